using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

/// <summary>
/// Small models for the API tests, trained once per test run on real rows of the shipped data and saved as .zip files: a sentiment
/// classifier (yelp), a question-answering model (SQuAD) and stories260K (greedy). Tiny, so the whole fixture takes seconds; their
/// quality does not matter here, only that the API answers exactly what the saved models answer in process. The app serving them
/// is started once for the test class.
/// </summary>
public sealed class WebApiModels : IDisposable
{
    private WebApplicationFactory<Program>? _server;

    public WebApiModels()
    {
        string folder = Directory.CreateTempSubdirectory("mlattention-webapi").FullName;
        var ml = new MLContext(seed: 1);
        var encoder = new TransformerConfig { ModelDimension = 32, LayerCount = 2, HeadCount = 2, MaxSequenceLength = 64, Dropout = 0, AttentionDropout = 0 };
        string vocabulary = Path.Combine(SampleApp.RepoRoot, "datasets", "vocab", "bert-base-uncased", "vocab.txt");

        Reviews = File.ReadLines(Path.Combine(SampleApp.RepoRoot, "datasets", "classification", "uci-sentiment", "yelp_labelled.txt"))
            .Select(l => l.Split('\t')).Where(p => p.Length == 2).Take(200).Select(p => new Review { Text = p[0], Label = p[1].Trim() == "1" }).ToList();
        var reviews = ml.Data.LoadFromEnumerable(Reviews);
        using (var sentiment = ml.BinaryClassification.Trainers.AttentionTextClassifier(new TransformerTextOptions
        {
            Tokenizer = TokenizerKind.WordPiece, VocabularyPath = vocabulary, Model = encoder, Epochs = 1, BatchSize = 16, Seed = 1,
        }).Fit(reviews))
        {
            SentimentPath = Path.Combine(folder, "sentiment.zip");
            ml.Model.Save(sentiment, reviews.Schema, SentimentPath);
        }

        var squad = ml.Data.TakeRows(SquadReader.Load(ml, Path.Combine(SampleApp.RepoRoot, "datasets", "qa", "squad-v1.1", "train-subset-du2017.json")), 16);
        using (var qa = ml.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.QuestionAnswering, Tokenizer = TokenizerKind.WordPiece, VocabularyPath = vocabulary,
            Model = encoder with { TokenTypeCount = 2 }, MaxSteps = 2, BatchSize = 8, Seed = 1,
        }).Fit(squad))
        {
            QuestionAnsweringPath = Path.Combine(folder, "qa.zip");
            ml.Model.Save(qa, squad.Schema, QuestionAnsweringPath);
        }

        string stories = Path.Combine(SampleApp.RepoRoot, "datasets", "weights", "stories260K");
        using (var generator = ml.Transforms.ImportLlama2c(Path.Combine(stories, "stories260K.bin"), Path.Combine(stories, "tok512.bin"),
            generation: new GenerationOptions { Temperature = 0, MaxNewTokens = 30 }))
        {
            GenerationPath = Path.Combine(folder, "stories.zip");
            ml.Model.Save(generator, ml.Data.LoadFromEnumerable(new[] { new PromptRow() }).Schema, GenerationPath);
        }
    }

    /// <summary>The app serving the three models, started at first use.</summary>
    public WebApplicationFactory<Program> Server => _server ??= Serving(SentimentPath, QuestionAnsweringPath, GenerationPath);

    public string SentimentPath { get; }

    public string QuestionAnsweringPath { get; }

    public string GenerationPath { get; }

    /// <summary>The first 200 yelp reviews (the sentiment model's training rows).</summary>
    public List<Review> Reviews { get; }

    /// <summary>The app, with configuration Models:* set to the given files.</summary>
    public static WebApplicationFactory<Program> Serving(string sentiment, string questionAnswering, string generation) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Models:Sentiment", sentiment)
            .UseSetting("Models:QuestionAnswering", questionAnswering)
            .UseSetting("Models:Generation", generation));

    public void Dispose() => _server?.Dispose();

    public sealed class PromptRow
    {
        public string Prompt { get; set; } = "";
    }

    public sealed class Review
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }
}
