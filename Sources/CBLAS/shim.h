// OpenBLAS's CBLAS interface, Debian package libopenblas-dev (pkg-config "openblas" adds the
// openblas-pthread include directory). Only DenseLinearAlgebra imports this module.
#include <cblas.h>
