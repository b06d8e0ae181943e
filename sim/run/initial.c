/* Starting from data: -initial_condition_file, the fields of an earlier output at one of its
   snapshots as the initial state. */
#include "mhrun.h"

/* -initial_condition_file: every field from a snapshot of an output file on the same grid. */
PetscErrorCode MHInitialConditionLoad(MHSim sim)
{
  MHCheckpoint *c    = &sim->chk;
  MHModel       m    = sim->d.model;
  MHGrid       *g    = &sim->d.grid;
  MPI_Comm      comm = sim->comm;
  const char   *what = c->initial;
  PetscViewer   v;
  hid_t         file;
  Vec           w;
  PetscInt      k = 0;

  PetscFunctionBeginUser;
  PetscCall(MHH5CheckReadable(comm, "-initial_condition_file", what));
  PetscCall(PetscViewerHDF5Open(comm, what, FILE_MODE_READ, &v));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  /* the grid: the same cells, faces where ours are */
  for (PetscInt a = 0; a < g->dim; a++) {
    char       name[32];
    PetscReal *faces;
    PetscCall(PetscSNPrintf(name, sizeof name, "/grid/%s_faces", MHAxisNames[g->phys[a]]));
    PetscCall(PetscMalloc1(g->n[a] + 1, &faces));
    if (H5Lexists(file, "/grid", H5P_DEFAULT) <= 0 || H5Lexists(file, name, H5P_DEFAULT) <= 0) PetscCall(PetscFree(faces));
    PetscCheck(H5Lexists(file, "/grid", H5P_DEFAULT) > 0 && H5Lexists(file, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-initial_condition_file %s: no %s; not a %" PetscInt_FMT "-D microheal output", what, name, g->dim);
    {
      hid_t   dset = H5Dopen2(file, name, H5P_DEFAULT), space = H5Dget_space(dset);
      hsize_t len = 0;
      if (H5Sget_simple_extent_ndims(space) == 1) H5Sget_simple_extent_dims(space, &len, NULL);
      H5Sclose(space);
      H5Dclose(dset);
      if ((PetscInt)len != g->n[a] + 1) PetscCall(PetscFree(faces));
      PetscCheck((PetscInt)len == g->n[a] + 1, comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: %d cells along %s, this run has %" PetscInt_FMT "; use the grid options of the run that wrote it", what, (int)len - 1, MHAxisNames[g->phys[a]], g->n[a]);
    }
    PetscCall(MHReadSmall(comm, file, what, name, g->n[a] + 1, faces));
    for (PetscInt i = 0; i <= g->n[a]; i++)
      if (PetscAbsReal(faces[i] - g->faces[a][i]) > 1e-9 * g->length[a]) {
        PetscReal fi = faces[i], gi = g->faces[a][i];
        PetscCall(PetscFree(faces));
        SETERRQ(comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: its %s-faces differ from this run's (face %" PetscInt_FMT " at %g, here %g); use the grid options of the run that wrote it", what, MHAxisNames[g->phys[a]], i, (double)fi, (double)gi);
      }
    PetscCall(PetscFree(faces));
  }
  PetscCall(DMCreateGlobalVector(g->da1, &w));
  for (PetscInt f = 0; f < m->nf; f++) {
    char    name[MH_NAME_LEN + 16];
    hsize_t dims[8] = {0};
    int     nd;
    PetscCall(PetscSNPrintf(name, sizeof name, "/fields/%s", m->field_name[f]));
    PetscCheck(H5Lexists(file, "/fields", H5P_DEFAULT) > 0 && H5Lexists(file, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-initial_condition_file %s: no field %s (model %s needs every one of its fields)", what, name, m->name);
    nd = MHH5Shape(file, name, dims);
    PetscCheck(nd == 1 + g->dim, comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: %s has %d dimensions, expected time + %" PetscInt_FMT, what, name, nd, g->dim);
    for (PetscInt a = 0; a < g->dim; a++)
      PetscCheck((PetscInt)dims[g->dim - a] == g->n[a], comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: %s has %d cells along DMDA axis %" PetscInt_FMT ", this grid %" PetscInt_FMT "; use the grid options of the run that wrote it", what, name, (int)dims[g->dim - a], a, g->n[a]);
    k = c->initial_step < 0 ? (PetscInt)dims[0] + c->initial_step : c->initial_step;
    PetscCheck(k >= 0 && k < (PetscInt)dims[0], comm, PETSC_ERR_ARG_OUTOFRANGE, "-initial_condition_step %" PetscInt_FMT ": %s holds snapshots 0 to %d", c->initial_step, what, (int)dims[0] - 1);
    PetscCall(PetscObjectSetName((PetscObject)w, m->field_name[f]));
    PetscCall(PetscViewerHDF5PushGroup(v, "/fields"));
    PetscCall(PetscViewerHDF5PushTimestepping(v));
    PetscCall(PetscViewerHDF5SetTimestep(v, k));
    PetscCall(VecLoad(w, v));
    PetscCall(PetscViewerHDF5PopTimestepping(v));
    PetscCall(PetscViewerHDF5PopGroup(v));
    PetscCall(VecStrideScatter(w, f, sim->U, INSERT_VALUES));
  }
  PetscCall(VecDestroy(&w));
  PetscCall(PetscViewerDestroy(&v));
  if (!sim->quiet) PetscCall(PetscPrintf(comm, "[microheal] initial condition: snapshot %" PetscInt_FMT " of %s\n", k, what));
  PetscFunctionReturn(0);
}
