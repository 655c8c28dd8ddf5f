using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Attention.Tokenization;

namespace Translation;

/// <summary>Training: an encoder-decoder with cross-attention, from scratch, through the library's ML.NET estimator.</summary>
public static partial class TranslationModel
{
    private static readonly string[] TestBooks = ["Jonah", "Esth", "Phil", "Titus", "1Pet"];
    private static readonly string[] DevBooks = ["Joel", "Col"];

    /// <summary>
    /// The King James (English) and Reina-Valera 1909 (Spanish) verses of datasets/parallel/bible/verses.tsv, split by book as
    /// datasets/README.md says (test = Jonah, Esth, Phil, Titus, 1Pet; dev = Joel, Col; train = the rest). Quick mode: the first 400
    /// training verses (Genesis) and 12 test verses.
    /// </summary>
    public static (IDataView Train, List<ModelInput> Test) LoadData(MLContext mlContext, bool quick)
    {
        var verses = File.ReadLines(SampleData.PathOf("parallel", "bible", "verses.tsv")).Skip(1)
            .Select(line => line.Split('\t'))
            .Where(v => v[3].Length > 0 && v[5].Length > 0)
            .Select(v => (Book: v[0], Pair: new ModelInput { English = v[3], Spanish = v[5] }))
            .ToList();
        var train = verses.Where(v => !TestBooks.Contains(v.Book) && !DevBooks.Contains(v.Book)).Select(v => v.Pair).Take(quick ? 400 : int.MaxValue).ToList();
        var test = verses.Where(v => TestBooks.Contains(v.Book)).Select(v => v.Pair).Take(quick ? 12 : int.MaxValue).ToList();
        return (mlContext.Data.LoadFromEnumerable(train), test);
    }

    /// <summary>
    /// English -> Spanish with a joint subword vocabulary learned from the pairs: 3 + 3 layers of width 256, 8,000 pieces, 2 epochs,
    /// beam search of 4 (the configuration of docs/performance.md's translation table; about an hour and a half of training on 2 cores).
    /// Quick mode: 1 + 1 layer of width 32, 600 pieces, 40 steps (its Spanish is gibberish made of Spanish pieces).
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, bool quick) =>
        mlContext.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.Translation,
            TextColumnName = "English",                        // the source, read by Fit and Transform
            Tokenizer = TokenizerKind.Subword,                 // learn the vocabulary of both languages from the pairs
            Translation = new TranslationOptions
            {
                TargetColumnName = "Spanish",                  // read by Fit only
                VocabularySize = quick ? 600 : 8000,
                BeamSize = quick ? 2 : 4,
                MaxNewTokens = quick ? 16 : 128,
            },
            Model = quick
                ? new TransformerConfig { ModelDimension = 32, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 64 }
                : new TransformerConfig { ModelDimension = 256, LayerCount = 3, HeadCount = 4, FeedForwardDimension = 1024, MaxSequenceLength = 128 },
            Epochs = quick ? 1 : 7,                            // the network, epochs and batches of the benchmark (docs/translation.md)
            MaxSteps = quick ? 40 : 0,
            BatchSize = quick ? 16 : 32,
            LearningRate = quick ? 3e-3 : 1e-3,
            TrainingPrecision = TrainingPrecision.Automatic,   // bf16 matrix products where the CPU has them
            LogEverySteps = quick ? 10 : 50,
            Seed = 1,
        });

    /// <summary>Fits <paramref name="pipeline"/>.</summary>
    public static TransformerTextTransformer Train(IEstimator<ITransformer> pipeline, IDataView trainingData) =>
        (TransformerTextTransformer)pipeline.Fit(trainingData);

    /// <summary>Saves the model (config, the learned vocabulary, weights and beam settings inside the .zip) to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path) =>
        mlContext.Model.Save(model, inputSchema, path);
}
