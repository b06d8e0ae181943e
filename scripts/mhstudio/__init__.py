"""The teaching studio (scripts/studio): a local web page to set a microneedling protocol, run it
with microheal, watch the skin heal and compare two protocols. Python's standard library serves
it (server.py); params.py holds the teaching parameters and their ranges, runs.py runs microheal
in a scratch folder, data.py turns an output file (read through mhread) into the page's JSON."""
