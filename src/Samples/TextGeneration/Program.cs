// Text generation, two ways: a small GPT-style model trained here on tiny shakespeare through the library's ML.NET estimator, and
// karpathy's pretrained stories260K (a llama2.c checkpoint shipped in datasets/) imported as an ML.NET transformer. Text is streamed
// piece by piece, and generation is also served through Microsoft.Extensions.AI's IChatClient.
//   dotnet run -c Release --project src/Samples/TextGeneration                 nanoGPT's CPU configuration, 2,000 steps
//   dotnet run -c Release --project src/Samples/TextGeneration -- --quick      a 1-layer model, 60 steps (its text is gibberish)
//   ... -- --prompt "ROMEO:"   the Shakespeare prompt; --story "Once upon a time"   the stories260K prompt; --output DIR
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Samples;
using TextGeneration;

var arguments = new SampleArguments("TextGeneration", args);
var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    // The estimator reports its steps and validation losses through ML.NET's log.
    if (e.Source.Contains("TransformerTextEstimator") && (e.RawMessage.StartsWith("step") || e.RawMessage.Contains("validation")))
        Console.WriteLine("  " + e.RawMessage);
};

var (train, validation) = TextGenerationModel.LoadData(mlContext, arguments.Quick);
Console.WriteLine($"1. Training a character-level GPT on tiny shakespeare{(arguments.Quick ? " (quick mode)" : "")}");
var watch = Stopwatch.StartNew();
string path = Path.Combine(arguments.Output, "TextGeneration.zip");
using (var model = TextGenerationModel.Train(TextGenerationModel.BuildPipeline(mlContext, arguments.Quick, validation), train))
{
    Console.WriteLine($"   trained in {watch.Elapsed.TotalSeconds:F0} s: {model.Config.LayerCount} layers, {model.Config.ModelDimension} dimensions");
    TextGenerationModel.SaveModel(mlContext, model, train.Schema, path);
    Console.WriteLine($"   saved: {path}");

    string prompt = arguments.Value("prompt") ?? "ROMEO:\n";
    Console.WriteLine("2. Streaming, piece by piece:");
    Console.Write(prompt);
    foreach (string piece in model.GenerateStream(prompt))
        Console.Write(piece);
    Console.WriteLine();

    TextGenerationModel.ModelPath = path;
    bool same = TextGenerationModel.Predict(new ModelInput { Text = prompt }).GeneratedText == model.Generate(prompt);
    Console.WriteLine($"3. Reloaded from the .zip, Predict gives the same text: {same}");
}

Console.WriteLine("4. The pretrained stories260K (llama2.c), imported, through IChatClient with streaming:");
string folder = SampleData.PathOf("weights", "stories260K");
string storiesPath = Path.Combine(arguments.Output, "stories260K.zip");
using (var stories = mlContext.Transforms.ImportLlama2c(Path.Combine(folder, "stories260K.bin"), Path.Combine(folder, "tok512.bin"),
    promptColumnName: "Text", generation: new GenerationOptions { Temperature = 0, MaxNewTokens = arguments.Quick ? 60 : 256 }))
{
    mlContext.Model.Save(stories, train.Schema, storiesPath);
}
using var chat = TextGenerationModel.CreateChatClient(storiesPath);
string story = arguments.Value("story") ?? "Once upon a time";
Console.Write(story);
await foreach (var update in chat.GetStreamingResponseAsync(story))
    Console.Write(update.Text);
Console.WriteLine();
