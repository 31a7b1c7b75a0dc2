// GLPK (GNU Linear Programming Kit), Debian package libglpk-dev. GPL-3.0-or-later.
// Debian ships no pkg-config file for GLPK; glpk.h is in the default include path.
// This module provides no stable Swift API: only LinearProgramming imports it.
#include <glpk.h>
