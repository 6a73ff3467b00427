package main

import (
	"testing"

	"github.com/go-oauth1/provider/internal/demo/demotest"
)

func TestContract(t *testing.T) { demotest.Run(t, NewRouter) }

func TestBrowser(t *testing.T) { demotest.RunBrowser(t, NewRouter) }
