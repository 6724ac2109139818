module example.com/ordersmodel

go 1.19
