package main

import (
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/internal/demo/demotest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func TestContract(t *testing.T) { demotest.Run(t, NewRouter) }

func TestBrowser(t *testing.T) { demotest.RunBrowser(t, NewRouter) }
