/* Test-only models and helpers (tests/common/test_models.c). */
#pragma once
#include "microheal.h"

PetscErrorCode TestModelsRegister(void);
PetscErrorCode TestSimFromString(MPI_Comm, const char[], MHSim *);
PetscErrorCode TestSimDestroy(MHSim *);
/* The world's vector gathered on rank 0 in natural (serial) order (*seq: a sequential vector,
   empty on the other ranks; the caller destroys it). */
PetscErrorCode TestGatherNatural(MHSim, Vec, Vec *);
/* The RHS Jacobian at U applied to V against central differences of the RHS (step 1e-4 along V):
   the max-norm error and the max norm of J V. */
PetscErrorCode TestJacobianVsDifferences(MHSim, Vec U, Vec V, PetscReal *err, PetscReal *nrm);

#define TEST_CHECK(cond, ...)                                         \
  do {                                                                \
    if (!(cond)) {                                                    \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: " __VA_ARGS__)); \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));                 \
      failures++;                                                     \
    }                                                                 \
  } while (0)
