module fleetcheck/bench/peers/go_nethttp

go 1.19
