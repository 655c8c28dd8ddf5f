namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// The command line every sample app reads: <c>--quick</c> (or the environment variable <c>MLNET_ATTENTION_SAMPLES_QUICK=1</c>) runs a
/// few seconds on a slice of the data, as the tests do; <c>--output DIR</c> is where the model .zip and other files go (default: a
/// folder per app under the temporary folder); <c>--name value</c> pairs carry the app's own inputs (a query, a question, ...).
/// </summary>
public sealed class SampleArguments
{
    /// <summary>The environment variable that turns quick mode on (value 1 or true).</summary>
    public const string QuickVariable = "MLNET_ATTENTION_SAMPLES_QUICK";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/> for the app <paramref name="appName"/>; creates the output folder.</summary>
    public SampleArguments(string appName, string[] args)
    {
        string quick = Environment.GetEnvironmentVariable(QuickVariable) ?? "";
        Quick = quick == "1" || quick.Equals("true", StringComparison.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                Quick = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                _values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--quick] [--output DIR] [--name value ...]", nameof(args));
            }
        }
        Output = Path.GetFullPath(Value("output") ?? Path.Combine(Path.GetTempPath(), "mlnet-attention-samples", appName));
        Directory.CreateDirectory(Output);
    }

    /// <summary>Quick mode: a slice of the data and a short run, for tests and a first look.</summary>
    public bool Quick { get; }

    /// <summary>The folder the app writes to (created).</summary>
    public string Output { get; }

    /// <summary>The value of <c>--name</c>, or null.</summary>
    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>
    /// The app's inputs called <paramref name="name"/>: the value of <c>--name</c> when given; else the lines a person types after
    /// <paramref name="prompt"/>, until an empty line; with no console to ask (input redirected and empty), <paramref name="example"/>.
    /// </summary>
    public IEnumerable<string> Inputs(string name, string prompt, string example)
    {
        if (Value(name) is { } given)
        {
            yield return given;
            yield break;
        }
        if (Console.IsInputRedirected && Console.In.Peek() < 0)
        {
            Console.WriteLine($"({prompt}: no console input; the example \"{example}\")");
            yield return example;
            yield break;
        }
        while (true)
        {
            Console.Write($"{prompt} (an empty line ends): ");
            string? typed = Console.ReadLine();
            if (string.IsNullOrWhiteSpace(typed))
                yield break;
            yield return typed.Trim();
        }
    }
}
