static const char usage[] = "microheal: skin wound healing and collagen induction after microneedling.\n"
                            "Usage: microheal -options_file configs/<case>.yaml [-option value ...]\n"
                            "       microheal -model <name> -help    lists the model's options with units\n"
                            "       microheal -sweep configs/sweeps/<file>.yaml [-sweep_ranks_per_run K]   a parameter sweep\n"
                            "       microheal -sweep <file> -help    lists the sweep options\n\n";

#include "microheal.h"
#include <unistd.h>

/* After an error: whether every rank has failed too (a bad option or file fails everywhere at
   once), found by a barrier on a communicator of its own that waits at most a few seconds. */
static int MHAllFailed(MPI_Comm comm)
{
  MPI_Request req;
  int         done = 0;
  double      t0   = MPI_Wtime();

  if (MPI_Ibarrier(comm, &req) != MPI_SUCCESS) return 0;
  while (!done && MPI_Wtime() - t0 < 10) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (!done) usleep(2000);
  }
  return done;
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscMPIInt    size;
  MPI_Comm       errcomm;
  int            status = 0, mpi = 0, fin = 0;

  /* a handler before PetscInitialize, which reads the options files; never popped (allocated
     before -malloc_dump's allocator takes over, it cannot be freed by it) */
  PetscCall(MHPushErrorHandler(argv));
  if (MHInitialize(&argc, &argv, usage)) { /* the message is out; MPI may have started */
    MPI_Initialized(&mpi);
    if (mpi) MPI_Finalized(&fin);
    if (mpi && !fin) MPI_Finalize();
    return 1;
  }
  PetscCall(MHPushErrorHandler(argv));
  PetscCallMPI(MPI_Comm_dup(PETSC_COMM_WORLD, &errcomm));
  ierr = MHRun(PETSC_COMM_WORLD, &status);
  PetscCall(PetscPopErrorHandler());
  if (ierr) { /* the message is out; leave with a nonzero status */
    /* after a failed HDF5 write (a full disk) closing the files would write to it again, and
       ROMIO crashes doing so: leave as a killed run does, with every step flushed before */
    if (MHErrorIOFailed()) {
      fflush(stdout);
      fflush(stderr);
      _exit(1);
    }
    PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
    /* an error on some ranks only (others wait in a collective): only MPI_Abort ends them */
    if (size > 1 && !MHAllFailed(errcomm)) MPI_Abort(PETSC_COMM_WORLD, 1);
    PetscCallMPI(MPI_Comm_free(&errcomm));
    PetscCall(PetscOptionsClear(NULL));
    PetscCall(PetscFinalize());
    return 1;
  }
  PetscCallMPI(MPI_Comm_free(&errcomm));
  PetscCall(PetscFinalize());
  return status;
}
