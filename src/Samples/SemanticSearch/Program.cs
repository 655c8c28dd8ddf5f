// Semantic search: a pretrained sentence encoder (all-MiniLM-L6-v2) embeds a corpus of review sentences through .NET's
// IEmbeddingGenerator; a query typed by the user is embedded the same way and the closest sentences are listed by cosine similarity.
//   dotnet run -c Release --project src/Samples/SemanticSearch                 3,000 sentences; asks for queries until an empty line
//   dotnet run -c Release --project src/Samples/SemanticSearch -- --quick      100 sentences
//   ... -- --query "the waiter was rude"   one query, no questions asked; --output DIR   where the .zip goes
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention.Samples;
using SemanticSearch;

var arguments = new SampleArguments("SemanticSearch", args);
var mlContext = new MLContext(seed: 1);
string path = Path.Combine(arguments.Output, "SemanticSearch.zip");
using (var encoder = SemanticSearchModel.BuildPipeline(mlContext))
{
    SemanticSearchModel.SaveModel(mlContext, encoder, path);
    Console.WriteLine($"Imported all-MiniLM-L6-v2 ({encoder.Config.LayerCount} layers, {encoder.Config.ModelDimension} dimensions), saved: {path}");
}
SemanticSearchModel.ModelPath = path;

var corpus = SemanticSearchModel.LoadCorpus(arguments.Quick);
var watch = Stopwatch.StartNew();
using var generator = SemanticSearchModel.CreateEmbeddingGenerator();
var vectors = await generator.GenerateAsync(corpus);
Console.WriteLine($"Embedded {corpus.Count} sentences in {watch.Elapsed.TotalSeconds:F1} s ({corpus.Count / watch.Elapsed.TotalSeconds:F0} sentences/s)");

foreach (string query in arguments.Inputs("query", "Query", example: "the waiter was rude"))
{
    // Model Builder's Predict (one text) gives the vector the IEmbeddingGenerator gives in batches.
    float[] queryVector = SemanticSearchModel.Predict(new ModelInput { Text = query }).Embedding;
    Console.WriteLine($"Query: \"{query}\"");
    foreach (var (document, similarity) in SemanticSearchModel.Search(queryVector, corpus, vectors, count: 3))
        Console.WriteLine($"  {similarity:F3}  {document}");
}
