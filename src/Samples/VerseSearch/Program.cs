// Cross-lingual verse search: all-MiniLM-L6-v2 (an English sentence encoder) is fine-tuned on King James ↔ Reina-Valera 1909 verse
// pairs so that a verse and its Spanish translation get nearby embeddings, saved and reloaded as an ML.NET .zip; then the Spanish
// verses of books it never saw are embedded, and an English query typed by the user lists the closest Spanish verses.
//   dotnet run -c Release --project src/Samples/VerseSearch                 2,400 pairs (150 steps); searches the 469 verses of the five test books
//   dotnet run -c Release --project src/Samples/VerseSearch -- --quick      32 pairs (4 steps); searches Titus (46 verses)
//   ... -- --query "come to me at Nicopolis"   one query, no questions asked; --output DIR   where the .zip goes
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;
using VerseSearch;

var arguments = new SampleArguments("VerseSearch", args);
var mlContext = new MLContext(seed: 1);
string path = Path.Combine(arguments.Output, "VerseSearch.zip");
var pairs = VerseSearchModel.LoadTrainingPairs(arguments.Quick);
Console.WriteLine($"Fine-tuning all-MiniLM-L6-v2 on {pairs.Count} King James / Reina-Valera 1909 verse pairs{(arguments.Quick ? " (quick mode)" : "")}");
var watch = Stopwatch.StartNew();
using (var encoder = VerseSearchModel.BuildPipeline(mlContext, pairs, arguments.Quick))
{
    VerseSearchModel.SaveModel(mlContext, encoder, path);
    Console.WriteLine($"Fine-tuned in {watch.Elapsed.TotalSeconds:F1} s, saved: {path}");
}
VerseSearchModel.ModelPath = path;

var verses = VerseSearchModel.LoadSearchVerses(arguments.Quick);
watch.Restart();
using var generator = VerseSearchModel.CreateEmbeddingGenerator();       // the reloaded .zip
var vectors = await generator.GenerateAsync(verses.Select(v => v.Spanish));
Console.WriteLine($"Embedded {verses.Count} Spanish verses in {watch.Elapsed.TotalSeconds:F1} s");

// How often the right Spanish verse comes first for each King James verse of the searched books (none of them was trained on).
var ids = verses.Select(v => v.Reference).ToList();
var evaluator = new InformationRetrievalEvaluator(ids.Zip(verses, (id, v) => KeyValuePair.Create(id, v.English)), ids.Zip(verses, (id, v) => KeyValuePair.Create(id, v.Spanish)),
    ids.ToDictionary(id => id, id => (IReadOnlyCollection<string>)[id]), [1, 10]);
var metrics = await evaluator.EvaluateAsync(generator);
Console.WriteLine($"King James -> Reina-Valera over these {metrics.QueryCount} verses: recall@1 {metrics.Recall[1]:P1}, MRR@10 {metrics.Mrr[10]:F3}");

foreach (string query in arguments.Inputs("query", "English query", example: "Come to me at Nicopolis, where I have decided to spend the winter."))
{
    // Model Builder's Predict (one text) gives the vector the IEmbeddingGenerator gives in batches.
    float[] queryVector = VerseSearchModel.Predict(new ModelInput { English = query }).Embedding;
    Console.WriteLine($"Query: \"{query}\"");
    foreach (var (verse, similarity) in VerseSearchModel.Search(queryVector, verses, vectors, count: 3))
        Console.WriteLine($"  {similarity:F3}  {verse.Reference}  {verse.Spanish}");
}
