package flowtest_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/flowtest"
)

// TestMountsAgree runs the scenario on net/http, Gin and Echo and requires
// the three transcripts to be identical, byte for byte.
func TestMountsAgree(t *testing.T) {
	gin.SetMode(gin.TestMode)
	mounts := []struct {
		name  string
		mount func(*core.Provider) http.Handler
	}{
		{"net/http", flowtest.NetHTTP},
		{"gin", flowtest.Gin},
		{"echo", flowtest.Echo},
	}
	transcripts := make([]flowtest.Transcript, len(mounts))
	for i, m := range mounts {
		t.Run(m.name, func(t *testing.T) { transcripts[i] = flowtest.Run(t, m.mount) })
	}
	if len(transcripts[0]) == 0 {
		t.Fatal("empty transcript")
	}
	for i := 1; i < len(mounts); i++ {
		t.Run(mounts[i].name+" vs net/http", func(t *testing.T) {
			flowtest.Compare(t, transcripts[0], transcripts[i])
		})
	}
	if testing.Verbose() {
		for _, s := range transcripts[0] {
			t.Log(s)
		}
	}
}

// TestRegisterNetHTTP runs the adapter suite's Register cases on net/http:
// core.Provider.TokenRoutes on an http.ServeMux, as its doc shows, which
// answers 405 to a method it does not route.
func TestRegisterNetHTTP(t *testing.T) {
	flowtest.Adapter{
		Register: func(p *core.Provider, prefix string, opts ...core.RouteOption) http.Handler {
			mux := http.NewServeMux()
			for _, rt := range p.TokenRoutes(opts...) {
				mux.Handle(rt.Method+" "+prefix+rt.Path, rt.Handler)
			}
			return mux
		},
		NotRouted: http.StatusMethodNotAllowed,
	}.TestRegister(t)
}

// TestRunIsDeterministic checks that two runs on one mount agree, so that
// a difference between mounts is the mounts' doing.
func TestRunIsDeterministic(t *testing.T) {
	flowtest.Compare(t, flowtest.Run(t, flowtest.NetHTTP), flowtest.Run(t, flowtest.NetHTTP))
}
