# The XDMF sidecar (sim/run/xdmf.c): every reference checked against its HDF5 file, the name
# rule; and ParaView reading it (scripts/render_paraview), skipped where pvpython or xvfb-run is missing.
mh_python_test(xdmf LABELS regression SCRIPT tests/test_xdmf.py PROCESSORS 2)
mh_python_test(paraview_render LABELS regression SCRIPT tests/test_paraview.py)
set_tests_properties(paraview_render PROPERTIES SKIP_RETURN_CODE 77)
