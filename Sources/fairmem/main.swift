import FairMemCommands

FairMemCommand.main()
