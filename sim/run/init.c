/* MHInitialize: what every microheal program calls first. */
#include "mhrun.h"

/* The checks before MPI starts (MHStartUp), PetscInitialize, then the model registry and log events. */
PetscErrorCode MHInitialize(int *argc, char ***argv, const char help[])
{
  int rc;

  PetscFunctionBeginUser;
  rc = MHStartUp(argc, argv);
  if (rc) return rc; /* before PETSc: no error handler to call; MHStartUp printed the line */
  PetscCall(PetscInitialize(argc, argv, NULL, help));
  if (MHHelpAsked()) { /* microheal's usage and options first, PETSc's solvers' after them */
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s", help));
    PetscCall(PetscOptionsSetValue(NULL, "-help", NULL));
  }
  /* HDF5 prints its own error stack to stderr; microheal reports every failure in one line */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCall(MHModelRegisterAll());
  PetscCall(MHLogEventsRegister());
  PetscFunctionReturn(0);
}
