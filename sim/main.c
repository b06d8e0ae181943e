static const char usage[] = "microheal: skin wound healing and collagen induction after microneedling.\n"
                            "Usage: microheal -options_file configs/<case>.yaml [-option value ...]\n"
                            "       microheal -model <name> -help    lists the model's options with units\n"
                            "       microheal -sweep configs/sweeps/<file>.yaml [-sweep_ranks_per_run K]   a parameter sweep\n"
                            "       microheal -sweep <file> -help    lists the sweep options\n\n";

#include "microheal.h"

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscMPIInt    size;
  int            status = 0;

  /* a handler before PetscInitialize, which reads the options files; never popped (allocated
     before -malloc_dump's allocator takes over, it cannot be freed by it) */
  PetscCall(MHPushErrorHandler(argv));
  if (MHInitialize(&argc, &argv, usage)) return 1; /* the message is out */
  PetscCall(MHPushErrorHandler(argv));
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
