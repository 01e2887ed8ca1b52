.PHONY: run test bench
run:  ## set up and serve the shop with the demo catalogue at http://127.0.0.1:8000
	./scripts/run
test:  ## set up and run the whole suite (SQLite, then PostgreSQL + Redis, browser tests)
	./scripts/test
bench:  ## run every benchmark under bench/ and print their tables
	./scripts/bench
