using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Attention.Tokenization;

namespace TextGeneration;

/// <summary>Training: a small GPT-style decoder on tiny shakespeare, through the library's ML.NET estimator.</summary>
public static partial class TextGenerationModel
{
    /// <summary>
    /// Tiny shakespeare (nanoGPT's shakespeare_char corpus) as one row per speech (the blocks between blank lines), split as nanoGPT
    /// does: the first 90% train, the last 10% validate. Quick mode: the first 300 speeches and the 30 after them.
    /// </summary>
    public static (IDataView Train, IDataView Validation) LoadData(MLContext mlContext, bool quick)
    {
        string text = File.ReadAllText(SampleData.PathOf("lm", "tinyshakespeare", "input.txt"));
        var speeches = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(s => new ModelInput { Text = s.Trim() }).ToList();
        int trainCount = quick ? 300 : speeches.Count * 9 / 10;
        int validationCount = quick ? 30 : speeches.Count - trainCount;
        return (mlContext.Data.LoadFromEnumerable(speeches.Take(trainCount).ToList()),
            mlContext.Data.LoadFromEnumerable(speeches.Skip(trainCount).Take(validationCount).ToList()));
    }

    /// <summary>
    /// A character-level GPT: nanoGPT's CPU configuration for this corpus (context 64, 4 layers, 4 heads, 128 dimensions, no
    /// dropout), or a 1-layer, 32-dimension model for 60 steps in quick mode.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, bool quick, IDataView validation) =>
        mlContext.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.CausalLanguageModeling,
            TextColumnName = "Text",                           // training text, and the prompt column at Transform
            Tokenizer = TokenizerKind.Character,
            Model = quick
                ? new TransformerConfig { ModelDimension = 32, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 64, Dropout = 0, AttentionDropout = 0 }
                : new TransformerConfig { ModelDimension = 128, LayerCount = 4, HeadCount = 4, MaxSequenceLength = 64, Dropout = 0, AttentionDropout = 0 },
            Epochs = 1,
            MaxSteps = quick ? 60 : 2000,                      // nanoGPT's 2,000 iterations
            BatchSize = 12,
            LearningRate = 1e-3,
            LogEverySteps = quick ? 10 : 200,
            ValidationSet = validation,                        // next-token loss on held-out speeches, logged
            Generation = new GenerationOptions { Temperature = 0.8f, TopK = 40, MaxNewTokens = quick ? 80 : 300, Seed = 1 },
            Seed = 1,
        });

    /// <summary>Fits <paramref name="pipeline"/>.</summary>
    public static TransformerTextTransformer Train(IEstimator<ITransformer> pipeline, IDataView trainingData) =>
        (TransformerTextTransformer)pipeline.Fit(trainingData);

    /// <summary>Saves the model (config, tokenizer, weights and generation settings inside the .zip) to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path) =>
        mlContext.Model.Save(model, inputSchema, path);
}
