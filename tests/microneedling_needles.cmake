# microneedling (models/microneedling): the needle-channel geometry of needles.c (unit): exact
# lateral areas, volume fractions summing to the needle volume, patterns.
mh_c_test(microneedling_needles SOURCE tests/microneedling_needles.c LABELS unit)
