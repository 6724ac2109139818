module example.com/orders-worker

go 1.19

require example.com/ordersmodel v0.3.1

replace example.com/ordersmodel => ./ordersmodel
