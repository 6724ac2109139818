// orders-worker: the Go binary of the bench image (its build info names a replaced local module).
package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"

	"example.com/ordersmodel"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
		_ = http.ListenAndServe(":8081", nil)
		return
	}
	s := bufio.NewScanner(os.Stdin)
	for s.Scan() {
		o, err := ordersmodel.Decode(s.Bytes())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		fmt.Printf("%s %.2f\n", o.ID, o.Total)
	}
}
