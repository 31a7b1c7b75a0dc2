import DenseLinearAlgebra
import FairMemCommands

// OpenBLAS's load-time worker pool would spin for about 0.1 s on the other cores; commands that
// use BLAS on several threads start it again when they need it.
stopIdleBLASWorkers()
FairMemCommand.runAndExit()
