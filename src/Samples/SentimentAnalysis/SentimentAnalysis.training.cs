using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Data;

namespace SentimentAnalysis;

/// <summary>Training: the pipeline, its fit on the shipped reviews, and the save, as Model Builder's generated training code has them.</summary>
public static partial class SentimentModel
{
    /// <summary>The reviews: UCI yelp (1,000 sentences), or its first 120 in quick mode.</summary>
    public static IDataView LoadData(MLContext mlContext, bool quick)
    {
        var rows = SampleData.YelpReviews().Select(r => new ModelInput { Text = r.Text, Label = r.Positive });
        // The file lists positive and negative reviews mixed; quick mode takes its start, which holds both.
        return mlContext.Data.LoadFromEnumerable(quick ? rows.Take(120).ToList() : rows.ToList());
    }

    /// <summary>
    /// A classifier fine-tuned from the pretrained all-MiniLM-L6-v2 encoder (6 layers, 384 dimensions): the encoder's weights start
    /// where its pretraining left them and a new classification head is trained with them. <paramref name="progress"/>, when given,
    /// receives every training step (the QuickStart app draws its progress bar from it).
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, bool quick, IProgress<AttentionTrainingProgress>? progress = null) =>
        mlContext.BinaryClassification.Trainers.AttentionTextClassifier(new TransformerTextOptions
        {
            TextColumnName = "Text",
            InitialModel = MiniLmFiles.ModelPath,          // a BERT-family encoder exported to ONNX
            VocabularyPath = MiniLmFiles.VocabularyPath,   // its WordPiece vocabulary
            MaxSequenceLength = quick ? 32 : 64,           // yelp sentences are short
            Epochs = quick ? 1 : 2,
            BatchSize = 16,
            LearningRate = 5e-5,
            Seed = 1,
            Progress = progress,                           // epoch, step, loss, learning rate after every step; null: none
        });

    /// <summary>ML.NET's classic text pipeline, for comparison: bag of words and character n-grams, then SDCA logistic regression.</summary>
    public static IEstimator<ITransformer> BuildBaselinePipeline(MLContext mlContext) =>
        mlContext.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(mlContext.BinaryClassification.Trainers.SdcaLogisticRegression());

    /// <summary>Fits <paramref name="pipeline"/> on <paramref name="trainingData"/>.</summary>
    public static ITransformer Train(IEstimator<ITransformer> pipeline, IDataView trainingData) => pipeline.Fit(trainingData);

    /// <summary>Evaluates a model on held-out rows with ML.NET's binary-classification evaluator.</summary>
    public static CalibratedBinaryClassificationMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView testData) =>
        mlContext.BinaryClassification.Evaluate(model.Transform(testData));

    /// <summary>Saves the model (config, tokenizer and weights inside the .zip) to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path) =>
        mlContext.Model.Save(model, inputSchema, path);
}
