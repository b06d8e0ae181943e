/* STREAM triad, a[i] = b[i] + s c[i], on every MPI rank at once: the memory bandwidth a
   memory-bound kernel can reach on this machine, in the same run as the kernel it anchors.
   Counts 24 bytes per index (read b and c, write a; write-allocate traffic not counted, as
   McCalpin's STREAM does). Prints one line: "triad_GBps <best summed over ranks> ...".
   Usage: mpiexec -n <ranks> stream [doubles per array per rank (default 2^25)] [repeats (10)] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  long    n       = argc > 1 ? atol(argv[1]) : 1L << 25;
  int     repeats = argc > 2 ? atoi(argv[2]) : 10, rank, size;
  double *a, *b, *c, best = 1e30, s = 3.0, check = 0, gcheck;

  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (n < 1000 || repeats < 1) {
    if (!rank) fprintf(stderr, "stream: need at least 1000 doubles per array and 1 repeat (got %ld, %d)\n", n, repeats);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  a = malloc(n * sizeof *a);
  b = malloc(n * sizeof *b);
  c = malloc(n * sizeof *c);
  if (!a || !b || !c) {
    fprintf(stderr, "stream: cannot allocate 3 x %ld doubles on rank %d\n", n, rank);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  for (long i = 0; i < n; i++) { /* first touch */
    a[i] = 0;
    b[i] = 1;
    c[i] = 2;
  }
  for (int r = 0; r < repeats; r++) {
    double t0, t;
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    for (long i = 0; i < n; i++)
      a[i] = b[i] + s * c[i];
    t = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (t < best) best = t;
    check += a[n / 2];
  }
  MPI_Allreduce(&check, &gcheck, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  if (!rank) printf("triad_GBps %.3f ranks %d doubles_per_array %ld best_s %.6f check %g\n", 24.0 * n * size / best / 1e9, size, n, best, gcheck);
  free(a);
  free(b);
  free(c);
  MPI_Finalize();
  return 0;
}
