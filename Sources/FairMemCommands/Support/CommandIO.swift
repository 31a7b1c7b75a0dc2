import Foundation

/// Where a command reads the file it was given as `-` and where it writes its output.
///
/// The `fairmem` process uses the real standard input and output. The C ABI (`FairMemABI`) runs
/// the very same command on a request: its standard input is the request's `"input"` (JSON text,
/// CSV text or an already parsed JSON value) and its standard output is a buffer that becomes the
/// response. The binding is a task-local value, so concurrent requests on different threads never
/// see each other's input or output.
public final class CommandIO: @unchecked Sendable {
  /// What `-` (standard input) means for the command being run.
  public enum StandardInput {
    /// The process's standard input.
    case process
    /// Bytes given by the caller (JSON text, CSV text, JSON Lines).
    case bytes([UInt8])
    /// A JSON value the caller has already parsed (`[String: Any]`, `[Any]`, ...), so that it is
    /// decoded once instead of being written out and read again.
    case parsed(Any)
  }

  /// The input and output of the command running on this thread (the process's own by default).
  @TaskLocal public static var current = CommandIO(standardInput: .process, capturesOutput: false)

  public let standardInput: StandardInput
  private let capturesOutput: Bool
  // Written by one thread at a time: the thread that runs the command, or (sweep) a worker that
  // holds the ordered-delivery lock; read after the workers have joined.
  private var captured: [UInt8] = []

  /// Input and output for one command run.
  ///
  /// - Parameters:
  ///   - standardInput: what the command reads when it was given `-`.
  ///   - capturesOutput: `true` collects the output in ``output`` instead of printing it.
  public init(standardInput: StandardInput, capturesOutput: Bool) {
    self.standardInput = standardInput
    self.capturesOutput = capturesOutput
  }

  /// The output collected so far (empty unless the output is captured).
  public var output: [UInt8] { captured }

  /// Writes `text` and a line break, like `print`.
  public func writeLine(_ text: String) {
    if capturesOutput {
      captured.append(contentsOf: text.utf8)
      captured.append(UInt8(ascii: "\n"))
    } else {
      Swift.print(text)
    }
  }

  /// Writes `text` as it is (for JSON Lines written block by block).
  public func write(_ text: String) {
    if capturesOutput {
      captured.append(contentsOf: text.utf8)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }

  /// All of standard input as bytes (a parsed value is not bytes: `nil`).
  public func standardInputBytes() -> [UInt8]? {
    switch standardInput {
    case .process: Array(FileHandle.standardInput.readDataToEndOfFile())
    case .bytes(let bytes): bytes
    case .parsed: nil
    }
  }
}
