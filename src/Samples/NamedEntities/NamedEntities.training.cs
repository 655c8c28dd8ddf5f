using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;

namespace NamedEntities;

/// <summary>Training: a named-entity tagger fine-tuned from all-MiniLM-L6-v2 on the Brown corpus' NAME spans, and its save.</summary>
public static partial class NamedEntitiesModel
{
    /// <summary>A row of the Brown CoNLL file as <see cref="ConllReader"/> reads it: its document, its words and its IOB2 NAME tags.</summary>
    private sealed class BrownSentence
    {
        public string Document { get; set; } = "";
        public string[] Words { get; set; } = [];
        public string[] Names { get; set; } = [];
    }

    /// <summary>
    /// The first <paramref name="count"/> sentences of the Brown corpus' training or test documents (datasets/README.md: test = the
    /// documents whose number ends in 0, dev = ending in 5, train = the rest), as <see cref="ModelInput"/> rows.
    /// </summary>
    public static IDataView LoadData(MLContext mlContext, bool test, int count)
    {
        var brown = ConllReader.Load(mlContext, SampleData.PathOf("token-classification", "brown", "brown.conll"), "Document",
            new ConllColumn("Words", 0), new ConllColumn("Names", 2));
        var rows = mlContext.Data.CreateEnumerable<BrownSentence>(brown, reuseRowObject: false)
            .Where(s => s.Document.EndsWith('0') == test && !s.Document.EndsWith('5'))
            .Take(count)
            .Select(s => new ModelInput { Sentence = string.Join(' ', s.Words), Label = s.Names })
            .ToList();
        return mlContext.Data.LoadFromEnumerable(rows);
    }

    /// <summary>
    /// The encoder of all-MiniLM-L6-v2 with a new tag per word (B-NAME, I-NAME, O) and the entity columns. Its tokenizer lower-cases,
    /// so <see cref="TokenClassificationOptions.CaseFeatures"/> gives the model each word's capitalization, the main cue for names.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, bool quick) =>
        mlContext.MulticlassClassification.Trainers.AttentionNamedEntityRecognition(new TransformerTextOptions
        {
            InitialModel = MiniLmFiles.ModelPath,          // a BERT-family encoder exported to ONNX
            VocabularyPath = MiniLmFiles.VocabularyPath,   // its WordPiece vocabulary (uncased)
            MaxSequenceLength = quick ? 48 : 128,          // positions per window; longer sentences are read in overlapping windows
            TokenClassification = new TokenClassificationOptions
            {
                WordsColumnName = "Sentence",
                LabelColumnName = "Label",
                TagScheme = TagScheme.Iob2,
                AddEntities = true,                        // Entities, EntityTypes, EntityStarts, EntityLengths, EntityScores
                CaseFeatures = true,                       // capitalization, which the uncased tokenizer drops
            },
            Epochs = 1,
            MaxSteps = quick ? 6 : 0,                      // quick: 6 steps of 8 sentences; 0 = the whole epoch
            BatchSize = quick ? 8 : 16,
            LearningRate = quick ? 5e-4 : 3e-4,
            Seed = 1,
        });

    /// <summary>Fits <paramref name="pipeline"/> on <paramref name="trainingData"/>.</summary>
    public static ITransformer Train(IEstimator<ITransformer> pipeline, IDataView trainingData) => pipeline.Fit(trainingData);

    /// <summary>Token accuracy and NAME precision, recall and F1 (exact spans, conlleval's convention) on held-out sentences.</summary>
    public static TokenClassificationMetrics Evaluate(ITransformer model, IDataView testData) =>
        TokenClassificationEvaluator.Evaluate(model.Transform(testData), labelColumnName: "Label", scheme: TagScheme.Iob2);

    /// <summary>Saves the model (config, tokenizer, tags and weights inside the .zip) to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path) =>
        mlContext.Model.Save(model, inputSchema, path);
}
