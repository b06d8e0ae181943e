# waugh_sherratt (models/waugh_sherratt): the well-mixed states of the model's README.
mh_python_test(waugh_sherratt_steady LABELS regression SCRIPT tests/waugh_sherratt_steady.py)
