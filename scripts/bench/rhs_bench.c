/* The residual (right-hand side) evaluation alone: sets up any microheal case from the usual
   options, evaluates MHSimComputeRHS() on its initial state repeatedly, and reports the time per
   evaluation with the minimal memory traffic it implies: read the state (on one rank in place,
   the owned values; on several, the ghosted local copy), read the face coefficients the
   operators store (MHSimOperatorsStorage: one value per layer face when they vary with depth only),
   write the result, 8 bytes per value (what a perfectly cache-blocked kernel would move). On
   several ranks the time includes the ghost update, which this model does not count. Prints one
   line of "key value" pairs on rank 0.
   Usage: rhs_bench -model <name> [grid and model options] [-bench_seconds 2] [-bench_min_calls 5] */
#include "microheal.h"

static const char help[] = "Times microheal's RHS evaluation; options as for microheal plus -bench_seconds, -bench_min_calls.\n";

int main(int argc, char **argv)
{
  MHSim          sim;
  const MHGrid  *g;
  Vec            U, F, Uloc;
  PetscReal      seconds   = 2, sum;
  PetscInt       min_calls = 5, calls = 0, nloc, nface, nown, cells;
  PetscBool      in_place;
  PetscLogDouble t0, t1, best = 1e30, total = 0;
  double         bytes[2], gbytes[2];

  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-bench_seconds", &seconds, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_min_calls", &min_calls, NULL));
  PetscCheck(seconds > 0 && min_calls >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-bench_seconds must be > 0 and -bench_min_calls >= 1");
  PetscCall(MHSimCreate(PETSC_COMM_WORLD, &sim));
  PetscCall(MHSimSetFromOptions(sim));
  PetscCall(MHSimSetUp(sim));
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(VecDuplicate(U, &F));

  /* the minimal traffic, from the sizes of the arrays the kernel touches on each rank */
  PetscCall(DMGetLocalVector(g->da, &Uloc));
  PetscCall(VecGetLocalSize(Uloc, &nloc));
  PetscCall(DMRestoreLocalVector(g->da, &Uloc));
  PetscCall(MHSimOperatorsStorage(sim, &nface, &in_place));
  PetscCall(VecGetLocalSize(F, &nown));
  bytes[0] = 8.0 * ((in_place ? nown : nloc) + nface + nown);
  bytes[1] = nown / g->nf;
  PetscCallMPI(MPI_Allreduce(bytes, gbytes, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  cells = (PetscInt)gbytes[1];

  PetscCall(MHSimComputeRHS(sim, 0.0, U, F)); /* warm-up: first touch, caches */
  while (calls < min_calls || total < seconds) {
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(MHSimComputeRHS(sim, 0.0, U, F));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t1));
    best = PetscMin(best, t1 - t0);
    total += t1 - t0;
    calls++;
    PetscCallMPI(MPI_Bcast(&total, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD)); /* every rank stops together */
  }
  PetscCall(VecSum(F, &sum)); /* keeps the result alive */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rhs_s %.6e mean_s %.6e calls %" PetscInt_FMT " cells %" PetscInt_FMT " fields %" PetscInt_FMT " bytes %.6e GBps %.3f ns_per_cell %.2f checksum %g\n", best, total / calls, calls, cells, g->nf, gbytes[0], gbytes[0] / best / 1e9, best / cells * 1e9, (double)sum));
  PetscCall(VecDestroy(&F));
  PetscCall(MHSimDestroy(&sim));
  PetscCall(PetscFinalize());
  return 0;
}
