/* What the executable does: one run, or a parameter sweep (-sweep FILE). */
#include "mhdriver.h"
#include <unistd.h>

PetscErrorCode MHRunOne(MPI_Comm comm, int *status, char checkpoint[], size_t len)
{
  MHSim     sim;
  PetscBool help;

  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(MHSimCreate(comm, &sim));
  ierr = MHSimSetFromOptions(sim);
  if (!ierr) ierr = MHSimSetUp(sim);
  if (!ierr) ierr = MHSimHelpRequested(sim, &help);
  if (!ierr && !help) ierr = MHSimSolve(sim);
  if (ierr) { /* the message is out; a sweep goes on to its next point: the run's files are free */
    MHLockRelease(&sim->out.lock);
    MHLockRelease(&sim->chk.lock);
    if (sim->out.open_fd >= 0) close(sim->out.open_fd);
    sim->out.open_fd = -1;
    PetscFunctionReturn(ierr);
  }
  *status       = sim->exit_status;
  checkpoint[0] = 0;
  if (sim->chk.why) PetscCall(PetscSNPrintf(checkpoint, len, "%s-%06" PetscInt_FMT ".h5", sim->chk.prefix, sim->chk.number));
  PetscCall(MHSimDestroy(&sim));
  PetscFunctionReturn(0);
}

PetscErrorCode MHRun(MPI_Comm comm, int *status)
{
  PetscBool sweep;
  char      checkpoint[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-sweep", &sweep));
  /* taken off the command line before PETSc (sys/options.c): no check for unknown options sees it */
  PetscCheck(sweep || !MHOptionsTaken("-sweep_slurm_sbatch")[0], comm, PETSC_ERR_ARG_WRONG, "-sweep_slurm_sbatch %s: only a sweep writing a SLURM script reads it (-sweep FILE -sweep_slurm job.sh)", MHOptionsTaken("-sweep_slurm_sbatch"));
  if (sweep)
    PetscCall(MHSweepRun(comm, status));
  else
    PetscCall(MHRunOne(comm, status, checkpoint, sizeof checkpoint));
  PetscFunctionReturn(0);
}
