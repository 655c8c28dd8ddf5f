using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;

namespace QuickStart;

/// <summary>
/// The QuestionAnswering sample's model (all-MiniLM-L6-v2's encoder with a new span head) trained briefly enough for a quick start: one
/// pass over a few hundred SQuAD questions in windows of 192 tokens, in batches of 8 at a higher learning rate, so that a few minutes
/// give it as many steps as they can. The QuestionAnswering sample trains on all 11,877 questions (see docs/question-answering.md).
/// </summary>
internal static class BriefQuestionAnswering
{
    /// <summary>The pipeline; <paramref name="progress"/> receives every training step.</summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, bool quick, IProgress<AttentionTrainingProgress> progress) =>
        mlContext.Transforms.AttentionEncoder(new TransformerTextOptions
        {
            Task = TransformerTask.QuestionAnswering,      // columns Question, Context (+ Answer, AnswerStart to train)
            InitialModel = MiniLmFiles.ModelPath,
            VocabularyPath = MiniLmFiles.VocabularyPath,
            MaxSequenceLength = quick ? 128 : 192,          // tokens per window: most SQuAD paragraphs fit one
            QuestionAnswering = new QuestionAnsweringOptions { DocumentStride = 64, MaxAnswerLength = 10 },   // SQuAD's answers are short
            Epochs = 1,
            MaxSteps = quick ? 4 : 0,                       // quick: 4 steps; 0 = the whole pass
            BatchSize = 8,
            LearningRate = 2e-4,
            TrainingPrecision = TrainingPrecision.Automatic,   // bf16 matrix products where the CPU has bf16 instructions: about 2x the steps a minute
            Seed = 1,
            Progress = progress,
        });
}
