public import Foundation

/// Runs the built `fairmem` binary (the debug build that `swift build --build-tests` makes, or
/// `FAIRMEM_BIN`) and captures its exit code and output.
public struct CLIRunner {
  public struct Result {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// The package root (this file is Tests/_TestSupport/CLIRunner.swift: three levels up).
  public static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  public static var binary: URL {
    if let path = ProcessInfo.processInfo.environment["FAIRMEM_BIN"] { return URL(fileURLWithPath: path) }
    let root = packageRoot
    for configuration in ["debug", "release"] {
      let candidate = root.appendingPathComponent(".build/\(configuration)/fairmem")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return root.appendingPathComponent(".build/debug/fairmem")
  }

  /// Runs the binary with `arguments`; `environment` entries are added to this process's
  /// environment; `workingDirectory` defaults to the test process's own.
  public static func run(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], workingDirectory: URL? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = binary
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read before waiting so a large output cannot fill the pipe and block the child.
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
      stderr: String(decoding: stderrData, as: UTF8.self))
  }

  /// Writes `text` to a fresh temporary file and returns its path.
  public static func temporaryFile(_ text: String, suffix: String = ".json") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fairmem-\(UUID().uuidString)\(suffix)")
    try Data(text.utf8).write(to: url)
    return url.path
  }

  public static func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
  }
}
