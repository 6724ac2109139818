// Package ordersmodel is a local module of the bench image's Go binary (a replaced dependency in its build info).
package ordersmodel

import "encoding/json"

type Order struct {
	ID    string  `json:"id"`
	Total float64 `json:"total"`
}

func Decode(b []byte) (Order, error) {
	var o Order
	err := json.Unmarshal(b, &o)
	return o, err
}
