static const char usage[] = "microheal: skin wound healing and collagen induction after microneedling.\n"
                            "Usage: microheal -options_file configs/<case>.yaml [-option value ...]\n"
                            "       microheal -model <name> -help    lists the model's options with units\n\n";

#include "microheal.h"

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscMPIInt    size;
  int            status = 0;

  PetscCall(MHInitialize(&argc, &argv, usage));
  PetscCall(MHPushErrorHandler());
  ierr = MHRun(PETSC_COMM_WORLD, &status);
  PetscCall(PetscPopErrorHandler());
  if (ierr) { /* the message is out; leave with a nonzero status */
    PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
    if (size > 1) MPI_Abort(PETSC_COMM_WORLD, 1);
    PetscCall(PetscOptionsClear(NULL));
    PetscCall(PetscFinalize());
    return 1;
  }
  PetscCall(PetscFinalize());
  return status;
}
