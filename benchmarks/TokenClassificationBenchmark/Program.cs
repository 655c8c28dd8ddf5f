// Token classification on the Brown corpus (datasets/token-classification/brown/brown.conll: word, Brown tag, NAME span in IOB2).
// Split by document (datasets/README.md): test = documents whose number ends in 0, dev = ending in 5, train = the rest.
// Prints, for test and dev, the most-frequent-tag-per-word baseline: token accuracy on the Brown tags and NAME-span precision, recall
// and F1 (exact span, conlleval's convention) of the same idea on the third column; lower-cased words (the baseline of record) and
// cased words (what capitalization is worth to it). Unknown words get the most frequent training tag.
// Modes minilm and random fine-tune TransformerTask.TokenClassification (two runs: the Brown tags, then the NAME spans) from the imported
// all-MiniLM-L6-v2 or from random weights of its shape, TrainingPrecision Automatic, length-grouped batches (FineTune.cs).
// Usage: dotnet run -c Release --project benchmarks/TokenClassificationBenchmark -- [baseline] [minilm] [random] [--data PATH]
//          [--train-sentences N] [--eval-sentences N] [--epochs N] [--batch N] [--lr X] [--random-lr X] [--max-length N] [--no-case-features]
//          [--progress]
//   modes: baseline (the default when no mode is named), minilm, random;
//   --data: the CoNLL file (default: datasets/token-classification/brown/brown.conll under the working directory);
//   --train-sentences: the first N training sentences (default: all 41,712); --eval-sentences: the first N of test and of dev (default: all);
//   --epochs (default 1), --batch (default 32), --lr (default 5e-5, minilm), --random-lr (default 5e-4), --max-length (default 128);
//   --no-case-features: TokenClassificationOptions.CaseFeatures = false (by default, as in the library, word shapes are added to the
//     input embeddings; --case-features, the earlier flag, is accepted and changes nothing);
//   --progress: a line when each run ends.
// Each fine-tune also prints the 12 most frequent tag confusions on test and the NAME errors by the shape of the entity's first word.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Benchmarks;
using Microsoft.ML.Data;

int dataAt = Array.IndexOf(args, "--data");
string path = dataAt >= 0 && dataAt + 1 < args.Length ? args[dataAt + 1] : Path.Combine("datasets", "token-classification", "brown", "brown.conll");
if (!File.Exists(path))
{
    Console.Error.WriteLine($"The Brown CoNLL file '{path}' does not exist: run from the repository root or pass --data PATH.");
    return 1;
}

var modes = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
if (modes.Count == 0)
    modes = ["baseline"];
int trainSentences = Option("--train-sentences", int.Parse, int.MaxValue);
int evalSentences = Option("--eval-sentences", int.Parse, int.MaxValue);
int epochs = Option("--epochs", int.Parse, 1);
int batch = Option("--batch", int.Parse, 32);
double lr = Option("--lr", s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture), 5e-5);
double randomLr = Option("--random-lr", s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture), 5e-4);
int maxLength = Option("--max-length", int.Parse, 128);

var total = Stopwatch.StartNew();
Console.WriteLine($"Microsoft.ML.Attention token-classification benchmark; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
var ml = new MLContext(seed: 1);
var data = ConllReader.Load(ml, path, "Document", new ConllColumn("Words", 0), new ConllColumn("Tags", 1), new ConllColumn("Names", 2));
var sentences = Sentences(data);
var train = sentences.Where(s => Part(s.Document) == "train").ToList();
var parts = new[] { "test", "dev" }.Select(part => (Part: part, Rows: sentences.Where(s => Part(s.Document) == part).ToList())).ToList();
Console.WriteLine($"{path}: {sentences.Count} sentences, {sentences.Sum(s => s.Words.Length)} tokens; train {train.Count} sentences " +
    $"({train.Sum(s => s.Words.Length)} tokens), " + string.Join(", ", parts.Select(p => $"{p.Part} {p.Rows.Count} ({p.Rows.Sum(s => s.Words.Length)} tokens)")));

var table = new List<string>
{
    "| data | method | token accuracy (Brown tags) | NAME precision | NAME recall | NAME F1 | tags seen in training |",
    "|---|---|---|---|---|---|---|",
};
foreach (var (name, key) in modes.Contains("baseline")
    ? new (string, Func<string, string>)[] { ("lower-cased words", w => w.ToLowerInvariant()), ("cased words", w => w) }
    : [])
{
    var tags = MostFrequentTag.Fit(train.Select(s => (s.Words, s.Tags)), key);
    var names = MostFrequentTag.Fit(train.Select(s => (s.Words, s.Names)), key);
    foreach (var (part, rows) in parts)
    {
        var accuracy = TokenClassificationEvaluator.Evaluate(rows.Select(s => (IReadOnlyList<string>)s.Tags).ToList(),
            rows.Select(s => (IReadOnlyList<string>)tags.Predict(s.Words)).ToList(), TagScheme.None).TokenAccuracy;
        var spans = TokenClassificationEvaluator.Evaluate(rows.Select(s => (IReadOnlyList<string>)s.Names).ToList(),
            rows.Select(s => (IReadOnlyList<string>)names.Predict(s.Words)).ToList(), TagScheme.Iob2).Entities!;
        table.Add($"| Brown {part} | most frequent tag per word, {name} (unknown: '{tags.Fallback}' / '{names.Fallback}') | {accuracy:P2} | " +
            $"{spans.Precision:P2} | {spans.Recall:P2} | {spans.F1:P2} | {tags.TagCount} |");
    }
}

var brownTrain = train.Take(trainSentences).Select(Row).ToList();
var evaluations = parts.Select(p => (p.Part, p.Rows.Take(evalSentences).Select(Row).ToList())).ToList();
foreach (var (mode, pretrained, rate) in new[] { ("minilm", true, lr), ("random", false, randomLr) })
{
    if (modes.Contains(mode))
        table.AddRange(FineTune.Run(ml, brownTrain, evaluations, new FineTune.Settings(pretrained, epochs, batch, rate, maxLength, !args.Contains("--no-case-features")), args.Contains("--progress")));
}

Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, table));
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
return 0;

T Option<T>(string name, Func<string, T> parse, T fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? parse(args[at + 1]) : fallback;
}

static BrownRow Row((string Document, string[] Words, string[] Tags, string[] Names) s) => new() { Words = s.Words, Tags = s.Tags, Names = s.Names };

// test = documents whose number ends in 0, dev = ending in 5, train = the rest (ca01 is train, ca10 test, ca15 dev).
static string Part(string document) => document.EndsWith('0') ? "test" : document.EndsWith('5') ? "dev" : "train";

static List<(string Document, string[] Words, string[] Tags, string[] Names)> Sentences(IDataView data)
{
    var rows = new List<(string, string[], string[], string[])>();
    var columns = new[] { "Document", "Words", "Tags", "Names" }.Select(c => data.Schema[c]).ToArray();
    using var cursor = data.GetRowCursor(columns);
    var document = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
    var vectors = columns[1..].Select(c => cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(c)).ToArray();
    ReadOnlyMemory<char> id = default;
    VBuffer<ReadOnlyMemory<char>> values = default;
    while (cursor.MoveNext())
    {
        document(ref id);
        var fields = vectors.Select(getter =>
        {
            getter(ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        }).ToArray();
        rows.Add((id.ToString(), fields[0], fields[1], fields[2]));
    }
    return rows;
}
