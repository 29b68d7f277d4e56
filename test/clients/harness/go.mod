module taskport.test/clients/harness

go 1.24
