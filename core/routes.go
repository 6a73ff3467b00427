package core

import "net/http"

// The routes of the two token endpoints, and their options: declared once
// here, taken as they are by every adapter's Register, and by net/http
// users through TokenRoutes.

// RouteOption configures the token endpoints' routes: TokenRoutes, and so
// every adapter's Register (ginoauth, echooauth, echov5), which passes its
// options on to TokenRoutes.
type RouteOption func(*routeConfig)

type routeConfig struct {
	requestToken, accessToken string
	allowGET                  bool
}

// Paths replaces the default paths of the token endpoints,
// "/request_token" and "/access_token", by the temporary credential
// endpoint's requestToken and the token credential endpoint's accessToken.
// An empty path keeps its default. The paths are relative to where the
// routes are mounted: an adapter's group, or the prefix a net/http user
// puts before them.
func Paths(requestToken, accessToken string) RouteOption {
	return func(c *routeConfig) {
		if requestToken != "" {
			c.requestToken = requestToken
		}
		if accessToken != "" {
			c.accessToken = accessToken
		}
	}
}

// AllowGET also routes GET to both token endpoints (the OAuth parameters
// then come in the Authorization header or the query). By default only
// POST is routed.
func AllowGET() RouteOption { return func(c *routeConfig) { c.allowGET = true } }

// Route is one route of the token endpoints: requests of Method to Path go
// to Handler.
type Route struct {
	Method, Path string
	Handler      http.Handler
}

// TokenRoutes returns the routes of p's token endpoints,
// p.RequestTokenHandler() (POST /request_token by default) and
// p.AccessTokenHandler() (POST /access_token), as opts (Paths, AllowGET)
// set them. The order is fixed: for each method, POST then GET when
// allowed, the request token route then the access token route.
//
// Every adapter's Register mounts these routes on its framework's router.
// A net/http application mounts them on its mux:
//
//	for _, rt := range p.TokenRoutes() {
//		mux.Handle(rt.Method+" "+rt.Path, rt.Handler)
//	}
func (p *Provider) TokenRoutes(opts ...RouteOption) []Route {
	c := routeConfig{requestToken: "/request_token", accessToken: "/access_token"}
	for _, o := range opts {
		o(&c)
	}
	methods := []string{http.MethodPost}
	if c.allowGET {
		methods = append(methods, http.MethodGet)
	}
	requestToken, accessToken := p.RequestTokenHandler(), p.AccessTokenHandler()
	routes := make([]Route, 0, 2*len(methods))
	for _, m := range methods {
		routes = append(routes,
			Route{Method: m, Path: c.requestToken, Handler: requestToken},
			Route{Method: m, Path: c.accessToken, Handler: accessToken})
	}
	return routes
}
