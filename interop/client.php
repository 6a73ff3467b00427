<?php
// The PHP client of the interop suite: the PECL OAuth extension.
//
// Usage: php client.php BASE_URL RSA_PRIVATE_KEY_FILE RSA_PUBLIC_KEY_FILE
//
// Registers a consumer at BASE_URL, then for every signature method and
// parameter placement the extension offers runs the three legs and the API
// calls, printing one line per check ("ok   php hmac-sha1 header me",
// "FAIL ...: why", "skip ...: known library defect"). interop/run drives it.

[, $BASE, $keyFile, $pubFile] = $argv;
const LIB = 'php';
const METHODS = [OAUTH_SIG_METHOD_HMACSHA1, OAUTH_SIG_METHOD_HMACSHA256, OAUTH_SIG_METHOD_RSASHA1, OAUTH_SIG_METHOD_PLAINTEXT];
const PLACEMENTS = ['header' => OAUTH_AUTH_TYPE_AUTHORIZATION, 'query' => OAUTH_AUTH_TYPE_URI, 'body' => OAUTH_AUTH_TYPE_FORM];
const NOTE = 'Grüße aus Köln, 東京 ✓ 100% a+b&c=d';
const QUERY = 'q=a%20b%C3%A9';
const CALLBACK = 'http://127.0.0.1:9/interop/callback?from=php';
const TIMEOUT = 10;

final class Failed extends Exception {}

// Known library defects, not the provider's fault: [method, placement,
// check, id, description, probe] ('*' matches anything). A failed check
// that matches is reported as skipped when the probe, which looks at what
// the extension itself builds, confirms the defect; otherwise it fails.
$KNOWN = [];

function answer(int $status, string $body): string
{
    return $status . ' ' . substr(trim($body), 0, 300);
}

function hiddenInputs(string $page): array
{
    preg_match_all('/<input type="hidden" name="([^"]*)" value="([^"]*)"/', $page, $m, PREG_SET_ORDER);
    $out = [];
    foreach ($m as [, $n, $v]) {
        $out[html_entity_decode($n, ENT_QUOTES)] = html_entity_decode($v, ENT_QUOTES);
    }
    return $out;
}

// Browser is alice's browser: a cookie session that logs in when the
// authorize page asks (the first time), then only consents.
final class Browser
{
    private array $cookies = [];

    public function __construct(private string $base) {}

    /** @return array{int, string, array<string, string>} status, body, headers (lower-case names) */
    public function request(string $method, string $path, ?array $form = null): array
    {
        $headers = [];
        if ($this->cookies) {
            $headers[] = 'Cookie: ' . implode('; ', array_map(fn ($k, $v) => "$k=$v", array_keys($this->cookies), $this->cookies));
        }
        $http = ['method' => $method, 'follow_location' => 0, 'ignore_errors' => true, 'timeout' => TIMEOUT];
        if ($form !== null) {
            $headers[] = 'Content-Type: application/x-www-form-urlencoded';
            $http['content'] = http_build_query($form);
        }
        $http['header'] = $headers;
        $body = file_get_contents($this->base . $path, false, stream_context_create(['http' => $http]));
        $status = 0;
        $got = [];
        foreach ($http_response_header ?? [] as $line) {
            if (preg_match('#^HTTP/\S+ (\d+)#', $line, $m)) {
                $status = (int) $m[1];
            } elseif (str_contains($line, ':')) {
                [$k, $v] = explode(':', $line, 2);
                $got[strtolower($k)] = trim($v);
                if (strtolower($k) === 'set-cookie') {
                    [$c] = explode(';', trim($v), 2);
                    [$name, $value] = explode('=', $c, 2);
                    $this->cookies[$name] = $value;
                }
            }
        }
        return [$status, (string) $body, $got];
    }
}

// approve runs the consent leg and returns the verifier.
function approve(Browser $browser, string $token, string $callback): string
{
    [$status, $body, $h] = $browser->request('GET', '/oauth/authorize?oauth_token=' . rawurlencode($token));
    $form = hiddenInputs($body);
    if ($status === 200 && isset($form['next'])) {
        [$status, $body, $h] = $browser->request('POST', '/login', [
            'username' => 'alice', 'password' => 'wonderland',
            'csrf_token' => $form['csrf_token'] ?? '', 'next' => $form['next'],
        ]);
        if ($status !== 303) {
            throw new Failed('POST /login: ' . answer($status, $body));
        }
        [$status, $body, $h] = $browser->request('GET', $h['location']);
        $form = hiddenInputs($body);
    }
    if ($status !== 200 || ($form['oauth_token'] ?? null) !== $token) {
        throw new Failed('no consent page: ' . answer($status, $body));
    }
    [$status, $body, $h] = $browser->request('POST', '/oauth/authorize', [
        'oauth_token' => $token, 'csrf_token' => $form['csrf_token'], 'action' => 'approve',
    ]);
    if ($callback === 'oob') {
        if ($status !== 200 || !preg_match('/id="verifier">([^<]+)</', $body, $m)) {
            throw new Failed('POST /oauth/authorize (oob): ' . answer($status, $body));
        }
        return $m[1];
    }
    $loc = $h['location'] ?? '';
    parse_str((string) parse_url($loc, PHP_URL_QUERY), $q);
    if ($status !== 302 || !str_starts_with($loc, CALLBACK . '&') || ($q['oauth_token'] ?? null) !== $token) {
        throw new Failed("POST /oauth/authorize: redirect \"$loc\": " . answer($status, $body));
    }
    return $q['oauth_verifier'];
}

// call sends a signed request with the extension and returns status and body.
function call(OAuth $o, string $url, string $method, array $params = []): array
{
    try {
        $o->fetch($url, $params, $method);
    } catch (OAuthException $e) {
        // Non-2xx answers throw; the answer is still there.
    }
    return [(int) ($o->getLastResponseInfo()['http_code'] ?? 0), (string) $o->getLastResponse()];
}

function expect(array $answer, int $status, array $fields): void
{
    [$got, $body] = $answer;
    if ($got !== $status) {
        throw new Failed(answer($got, $body));
    }
    $json = json_decode($body, true);
    foreach ($fields as $k => $v) {
        if (($json[$k] ?? null) !== $v) {
            throw new Failed("$k is " . json_encode($json[$k] ?? null) . ', want ' . json_encode($v) . ': ' . answer($got, $body));
        }
    }
}

function main(string $base, string $keyFile, string $pubFile, array $known): void
{
    $rsaKey = file_get_contents($keyFile);
    echo 'version php: PECL OAuth ', phpversion('OAuth'), ', PHP ', PHP_VERSION, "\n";
    $ctx = stream_context_create(['http' => [
        'method' => 'POST', 'ignore_errors' => true, 'timeout' => TIMEOUT,
        'header' => ['Authorization: Basic ' . base64_encode('alice:wonderland'), 'Content-Type: application/x-www-form-urlencoded'],
        'content' => http_build_query(['name' => 'interop php', 'rsa_public_key' => file_get_contents($pubFile)]),
    ]]);
    $body = (string) file_get_contents("$base/consumers", false, $ctx);
    if (!str_contains($http_response_header[0] ?? '', ' 201')) {
        echo 'FAIL ', LIB, ' register consumer: ', $http_response_header[0] ?? 'no answer', ' ', $body, "\n";
        return;
    }
    $consumer = json_decode($body, true);
    $browser = new Browser($base);
    $defects = [];

    foreach (METHODS as $method) {
        foreach (PLACEMENTS as $placement => $authType) {
            $label = LIB . ' ' . strtolower($method) . " $placement";
            $client = function () use ($consumer, $method, $authType, $rsaKey): OAuth {
                $o = new OAuth($consumer['key'], $consumer['secret'], $method, $authType);
                $o->setTimeout(TIMEOUT * 1000);
                if (str_starts_with($method, 'RSA-')) {
                    $o->setRSACertificate($rsaKey);
                }
                return $o;
            };
            $check = function (string $name, callable $fn) use ($label, $method, $placement, $known, &$defects): bool {
                try {
                    $fn();
                    echo "ok   $label $name\n";
                    return true;
                } catch (Throwable $e) {
                    $why = get_class($e) . ': ' . str_replace("\n", ' ', $e->getMessage());
                    if ($e instanceof OAuthException && $e->lastResponse) {
                        $why .= ' ' . $e->lastResponse;
                    }
                    foreach ($known as [$m, $p, $c, $id, $description, $probe]) {
                        if (in_array($m, ['*', $method], true) && in_array($p, ['*', $placement], true)
                            && in_array($c, ['*', $name], true) && ($evidence = $probe($method, $placement)) !== null) {
                            if (!isset($defects[$id])) {
                                $defects[$id] = true;
                                echo "defect $id: $description\n";
                            }
                            echo "skip $label $name: known library defect $id: $evidence; provider: $why\n";
                            return false;
                        }
                    }
                    echo "FAIL $label $name: $why\n";
                    return false;
                }
            };

            $callback = $placement === 'header' ? CALLBACK : 'oob';
            $o = $client();
            $flow = 'three-legged ' . ($callback === 'oob' ? 'oob' : 'callback');
            $ok = $check($flow, function () use ($o, $base, $browser, $callback) {
                $rt = $o->getRequestToken("$base/oauth/request_token", $callback, 'POST');
                if (($rt['oauth_callback_confirmed'] ?? '') !== 'true') {
                    throw new Failed('request token without oauth_callback_confirmed=true: ' . json_encode($rt));
                }
                $verifier = approve($browser, $rt['oauth_token'], $callback);
                $o->setToken($rt['oauth_token'], $rt['oauth_token_secret']);
                $at = $o->getAccessToken("$base/oauth/access_token", '', $verifier, 'POST');
                if (($at['user_id'] ?? '') !== 'alice') {
                    throw new Failed('access token for ' . json_encode($at['user_id'] ?? null) . ', want alice');
                }
                $o->setToken($at['oauth_token'], $at['oauth_token_secret']);
            });
            if ($ok) {
                $check('me', fn () => expect(call($o, "$base/api/me", OAUTH_HTTP_METHOD_GET), 200, ['user' => 'alice', 'consumer_key' => $consumer['key']]));
                $check('notes', fn () => expect(call($o, "$base/api/notes", OAUTH_HTTP_METHOD_POST, ['text' => NOTE]), 201, ['user' => 'alice', 'text' => NOTE]));
                $check('query', fn () => expect(call($o, "$base/api/me?" . QUERY, OAUTH_HTTP_METHOD_GET), 200, ['user' => 'alice']));
            } else {
                foreach (['me', 'notes', 'query'] as $name) {
                    echo "FAIL $label $name: not run, the three legs failed\n";
                }
            }
            $check('ping', fn () => expect(call($client(), "$base/api/ping", OAUTH_HTTP_METHOD_GET), 200, ['consumer_key' => $consumer['key']]));
        }
    }
}

main($BASE, $keyFile, $pubFile, $KNOWN);
