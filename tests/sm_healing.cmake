# sherratt_murray (models/sherratt_murray): edge speed, healing time against wound size, mechanisms ordered.
mh_python_test(sherratt_murray_healing LABELS regression SCRIPT tests/sm_healing.py)
