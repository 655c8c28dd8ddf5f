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

        // The same, allowed any number of windows: a 1 MB context then costs seconds of scoring, for the tests that abandon it.
        using (var qa = ml.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.QuestionAnswering, Tokenizer = TokenizerKind.WordPiece, VocabularyPath = vocabulary,
            Model = encoder with { TokenTypeCount = 2 }, MaxSteps = 1, BatchSize = 8, Seed = 1,
            QuestionAnswering = new QuestionAnsweringOptions { MaxWindowsPerRow = 1_000_000 },
        }).Fit(squad))
        {
            UnboundedQuestionAnsweringPath = Path.Combine(folder, "qa-unbounded.zip");
            ml.Model.Save(qa, squad.Schema, UnboundedQuestionAnsweringPath);
        }

        // A character-level causal LM of 4 layers x 256 dimensions after one step: it samples 1,000 tokens of noise without stopping
        // (some seconds), for the tests that abandon a stream.
        var lines = ml.Data.LoadFromEnumerable(Reviews.Take(16).Select(r => new WebApiModels.PromptRow { Prompt = r.Text }));
        using (var slow = ml.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.CausalLanguageModeling, TextColumnName = "Prompt", Tokenizer = TokenizerKind.Character,
            Model = new TransformerConfig { ModelDimension = 256, LayerCount = 4, HeadCount = 4, MaxSequenceLength = 1100, Dropout = 0, AttentionDropout = 0 },
            MaxSteps = 1, BatchSize = 4, Seed = 1,
            Generation = new GenerationOptions { Temperature = 1, MaxNewTokens = 1000, Seed = 1 },
        }).Fit(lines))
        {
            LongGenerationPath = Path.Combine(folder, "long-generation.zip");
            ml.Model.Save(slow, lines.Schema, LongGenerationPath);
        }

        string stories = Path.Combine(SampleApp.RepoRoot, "datasets", "weights", "stories260K");
        using (var generator = ml.Transforms.ImportLlama2c(Path.Combine(stories, "stories260K.bin"), Path.Combine(stories, "tok512.bin"),
            generation: new GenerationOptions { Temperature = 0, MaxNewTokens = 30 }))
        {
            GenerationPath = Path.Combine(folder, "stories.zip");
            ml.Model.Save(generator, ml.Data.LoadFromEnumerable(new[] { new PromptRow() }).Schema, GenerationPath);
        }
    }

    /// <summary>
    /// The app serving the three models, started at first use; its queue holds 64 requests, so that the tests' 64 concurrent requests
    /// all wait for a permit (the default of 8 answers most of them 503, as LoadAndAbuseTests checks).
    /// </summary>
    public WebApplicationFactory<Program> Server => _server ??= Serving(SentimentPath, QuestionAnsweringPath, GenerationPath, ("Serving:QueueLimit", "64"));

    public string SentimentPath { get; }

    public string QuestionAnsweringPath { get; }

    public string GenerationPath { get; }

    /// <summary>The question-answering model with <c>MaxWindowsPerRow</c> 1,000,000 (the other has the default, 64).</summary>
    public string UnboundedQuestionAnsweringPath { get; }

    /// <summary>A causal LM that generates 1,000 tokens (some seconds) for any prompt.</summary>
    public string LongGenerationPath { get; }

    /// <summary>The first 200 yelp reviews (the sentiment model's training rows).</summary>
    public List<Review> Reviews { get; }

    /// <summary>The app, with configuration Models:* set to the given files.</summary>
    /// <param name="settings">More configuration, e.g. ("Serving:RequestTimeout", "00:00:00").</param>
    public static WebApplicationFactory<Program> Serving(string sentiment, string questionAnswering, string generation, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Models:Sentiment", sentiment)
                .UseSetting("Models:QuestionAnswering", questionAnswering)
                .UseSetting("Models:Generation", generation);
            foreach (var (key, value) in settings)
                host.UseSetting(key, value);
        });

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
