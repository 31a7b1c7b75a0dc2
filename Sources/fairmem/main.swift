import FairMemCommands

FairMemCommand.runAndExit()
