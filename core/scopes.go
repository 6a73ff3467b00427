package core

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// The scope rules, all of them. A scope is a name the provider knows
// (Config.Scopes); with none configured, scopes are not used.
//
//   - knownScopes: the provider's names are not empty, have no space and
//     are not repeated.
//   - consumerScopes: a consumer may be granted the scopes it registered
//     with, or, with none, every scope the provider knows.
//   - checkRegisteredScopes: a consumer registers with known scopes only.
//   - requestedScopes: a request token asks, with its signed scope
//     parameter, for scopes the consumer may be granted; without one it
//     asks for all of them.
//   - grantedScopes: the user grants the requested scopes, or some of
//     them, never another.
//   - a two-legged grant carries the consumer's scopes (consumerScopes); a
//     three-legged one its access token's.
//   - requireScopes: a grant lacking a scope a resource requires is 403
//     permission_denied (Grant.HasScopes).
//   - DescribeScopes: a consent page shows each scope with its
//     description.

// knownScopes checks the provider's scopes and returns their names.
func knownScopes(scopes []Scope) ([]string, error) {
	var names []string
	for _, s := range scopes {
		if s.Name == "" || strings.ContainsAny(s.Name, " \t\r\n") || slices.Contains(names, s.Name) {
			return nil, fmt.Errorf("oauth1: scope name %q is empty, has a space or is repeated", s.Name)
		}
		names = append(names, s.Name)
	}
	return names, nil
}

// consumerScopes returns what c may be granted.
func (p *Provider) consumerScopes(c *Consumer) []string {
	if len(c.Scopes) > 0 {
		return c.Scopes
	}
	return p.scopeNames
}

// checkRegisteredScopes refuses, with 400 parameter_rejected, a scope the
// provider does not know.
func (p *Provider) checkRegisteredScopes(names []string) error {
	for _, s := range names {
		if !slices.Contains(p.scopeNames, s) {
			return badRequest(ProblemParameterRejected, "the scope "+s+" is unknown")
		}
	}
	return nil
}

// requestedScopes reads the signed scope parameter of a request token
// request by c: space-separated names, each of which c may be granted
// (repeats are dropped); absent or empty, every scope c may be granted.
func (p *Provider) requestedScopes(params []rfc5849.Param, c *Consumer) ([]string, error) {
	var raw string
	found := false
	for _, prm := range params {
		if prm.Key == "scope" {
			if found {
				return nil, badRequest(ProblemParameterRejected, "the scope parameter is repeated")
			}
			raw, found = prm.Value, true
		}
	}
	allowed := p.consumerScopes(c)
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return slices.Clone(allowed), nil
	}
	var out []string
	for _, s := range fields {
		if !slices.Contains(allowed, s) {
			return nil, badRequest(ProblemParameterRejected, "the scope "+s+" is unknown or not allowed for this consumer")
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// grantedScopes returns what the user grants of requested: all of it when
// chosen is nil, else chosen (repeats dropped), every one of which must
// have been requested (400 parameter_rejected).
func grantedScopes(requested, chosen []string) ([]string, error) {
	if chosen == nil {
		return requested, nil
	}
	granted := []string{}
	for _, s := range chosen {
		if !slices.Contains(requested, s) {
			return nil, badRequest(ProblemParameterRejected, "the scope "+s+" was not requested")
		}
		if !slices.Contains(granted, s) {
			granted = append(granted, s)
		}
	}
	return granted, nil
}

// HasScopes reports whether the grant holds every one of scopes. It is
// for a handler that decides by scope itself, beyond what the route's
// RequireScopes asked.
func (g *Grant) HasScopes(scopes ...string) bool {
	for _, s := range scopes {
		if !slices.Contains(g.Scopes, s) {
			return false
		}
	}
	return true
}

// requireScopes refuses, with 403 permission_denied, a grant lacking any
// of scopes.
func requireScopes(g *Grant, scopes []string) error {
	if !g.HasScopes(scopes...) {
		return newError(http.StatusForbidden, ProblemPermissionDenied, "the token does not grant the scopes this resource needs")
	}
	return nil
}

// DescribeScopes returns the scopes called names, with their descriptions,
// in the order given; a name the provider does not know comes back with no
// description. A consent page or an account page shows them.
func (p *Provider) DescribeScopes(names []string) []Scope {
	out := make([]Scope, 0, len(names))
	for _, n := range names {
		s := Scope{Name: n}
		for _, known := range p.scopes {
			if known.Name == n {
				s = known
				break
			}
		}
		out = append(out, s)
	}
	return out
}

// addScopes appends to dst those of scopes it does not hold yet.
func addScopes(dst, scopes []string) []string {
	for _, s := range scopes {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}
