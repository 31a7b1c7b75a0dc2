public import ArgumentParser

/// The `fairmem` command: its subcommands answer "can memorizing part of the data make a
/// classifier look fair, and how much would it have to memorize?" with checkable witnesses.
public struct FairMemCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "fairmem",
    abstract: "Memorization and fairness: explicit bias, zero-bias LPs (GLPK), bounds, certificates.",
    version: "0.1.0",
    subcommands: []
  )

  public init() {}
}
