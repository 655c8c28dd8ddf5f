using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;

namespace QuestionAnswering;

/// <summary>Training: an extractive question-answering model fine-tuned from all-MiniLM-L6-v2 on SQuAD v1.1 questions.</summary>
public static partial class QuestionAnsweringModel
{
    /// <summary>The SQuAD v1.1 training questions shipped in datasets/ (11,877), the first <paramref name="count"/> of them.</summary>
    public static IDataView LoadTrainingData(MLContext mlContext, int count) =>
        mlContext.Data.TakeRows(SquadReader.Load(mlContext, SampleData.PathOf("qa", "squad-v1.1", "train-subset-du2017.json")), count);

    /// <summary>The first <paramref name="count"/> questions of the SQuAD v1.1 dev set (with their gold answers, for evaluation).</summary>
    public static IDataView LoadDevData(MLContext mlContext, int count) =>
        mlContext.Data.TakeRows(SquadReader.Load(mlContext, SampleData.PathOf("qa", "squad-v1.1", "dev-v1.1.json")), count);

    /// <summary>
    /// The encoder of all-MiniLM-L6-v2 with a new span head (a start and an end logit per token); long paragraphs are read in
    /// overlapping windows and the best span over all windows wins.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, bool quick) =>
        mlContext.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.QuestionAnswering,      // columns Question, Context (+ Answer, AnswerStart to train)
            InitialModel = MiniLmFiles.ModelPath,
            VocabularyPath = MiniLmFiles.VocabularyPath,
            MaxSequenceLength = quick ? 128 : 256,          // tokens per window
            QuestionAnswering = new QuestionAnsweringOptions { DocumentStride = quick ? 64 : 128 },
            Epochs = 1,
            MaxSteps = quick ? 4 : 0,                       // quick: 4 steps of 8 windows; 0 = the whole epoch
            BatchSize = quick ? 8 : 16,
            LearningRate = 1e-4,
            Seed = 1,
        });

    /// <summary>Fits <paramref name="pipeline"/>.</summary>
    public static ITransformer Train(IEstimator<ITransformer> pipeline, IDataView trainingData) => pipeline.Fit(trainingData);

    /// <summary>SQuAD's exact match and F1 of the model's answers (the official definitions, best over the gold answers).</summary>
    public static SquadMetrics Evaluate(ITransformer model, IDataView devData) => SquadEvaluator.Evaluate(model.Transform(devData));

    /// <summary>Saves the model to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path) =>
        mlContext.Model.Save(model, inputSchema, path);
}
