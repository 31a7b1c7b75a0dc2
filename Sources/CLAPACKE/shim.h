// LAPACKE (C interface to LAPACK), Debian package liblapacke-dev; lapack_int is 32-bit (LP64).
// Only DenseLinearAlgebra imports this module.
#include <lapacke.h>
