using Microsoft.Extensions.AI;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Samples;

namespace WebApi;

/// <summary>
/// The served models, loaded once from the .zip files named in configuration (<c>Models:Sentiment</c>, <c>Models:QuestionAnswering</c>,
/// <c>Models:Generation</c>). Unset, the first two default to what the SentimentAnalysis and QuestionAnswering samples save, and
/// generation to the stories260K checkpoint shipped in datasets/. A model whose file is missing is reported by /health and answered 503.
/// </summary>
public sealed class ModelStore : IDisposable
{
    private readonly MLContext _mlContext = new(seed: 1);
    private readonly List<IDisposable> _owned = [];

    public ModelStore(IConfiguration configuration)
    {
        string samples = Path.Combine(Path.GetTempPath(), "mlnet-attention-samples");
        var sentiment = Load(configuration["Models:Sentiment"] ?? Path.Combine(samples, "SentimentAnalysis", "SentimentAnalysis.zip"));
        if (sentiment is not null)
        {
            SentimentModel = sentiment;
            Sentiment = Pool(new PredictionEnginePolicy<SentimentRow, SentimentPrediction>(_mlContext, sentiment));
        }
        var qa = Load(configuration["Models:QuestionAnswering"] ?? Path.Combine(samples, "QuestionAnswering", "QuestionAnswering.zip"));
        if (qa is not null)
            QuestionAnswering = Pool(new PredictionEnginePolicy<QuestionRow, AnswerPrediction>(_mlContext, qa));
        var generator = configuration["Models:Generation"] is { } generation ? Load(generation) : ImportStories();
        if (generator is not null)
            Chat = generator.AsChatClient();
    }

    /// <summary>Engines for POST /predict, or null when no sentiment model is loaded.</summary>
    public ObjectPool<PredictionEngine<SentimentRow, SentimentPrediction>>? Sentiment { get; }

    /// <summary>The sentiment model itself (its attention weights for POST /attention).</summary>
    public TransformerTextTransformer? SentimentModel { get; }

    /// <summary>Engines for POST /answer, or null.</summary>
    public ObjectPool<PredictionEngine<QuestionRow, AnswerPrediction>>? QuestionAnswering { get; }

    /// <summary>Generation for POST /generate, through Microsoft.Extensions.AI's chat abstraction, or null.</summary>
    public IChatClient? Chat { get; }

    public void Dispose()
    {
        Chat?.Dispose();
        foreach (var item in _owned)
            item.Dispose();
    }

    private static ObjectPool<PredictionEngine<TInput, TOutput>> Pool<TInput, TOutput>(PredictionEnginePolicy<TInput, TOutput> policy)
        where TInput : class
        where TOutput : class, new() =>
        // DefaultObjectPool drops surplus engines when full. Not DefaultObjectPoolProvider.Create: for an IDisposable type it makes a
        // pool that disposes them, and disposing a PredictionEngine disposes the model's network that every engine shares.
        new DefaultObjectPool<PredictionEngine<TInput, TOutput>>(policy, maximumRetained: Environment.ProcessorCount * 2);

    private TransformerTextTransformer? Load(string path)
    {
        if (!File.Exists(path))
            return null;
        var model = (TransformerTextTransformer)_mlContext.Model.Load(path, out _);
        _owned.Add(model);
        return model;
    }

    private TransformerTextTransformer ImportStories()
    {
        string folder = SampleData.PathOf("weights", "stories260K");
        var stories = _mlContext.Transforms.ImportLlama2c(Path.Combine(folder, "stories260K.bin"), Path.Combine(folder, "tok512.bin"),
            generation: new GenerationOptions { Temperature = 0.8f, TopK = 40, MaxNewTokens = 200, Seed = 1 });
        _owned.Add(stories);
        return stories;
    }
}
