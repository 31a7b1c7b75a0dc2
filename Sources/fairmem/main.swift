import ArgumentParser
import FairMemCommands

FairMemCommand.main()
