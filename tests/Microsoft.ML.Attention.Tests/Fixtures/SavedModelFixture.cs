using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;
using Microsoft.ML.Attention.Tests.Tasks.SentenceSimilarity;

namespace Microsoft.ML.Attention.Tests.Fixtures;

/// <summary>
/// One committed model of a task, saved by an earlier build: how it was trained (tiny config, fixed seed), the rows it is probed
/// with, and where its <c>.zip</c> and its recorded outputs live (<c>Fixtures/SavedModels/</c>).
/// </summary>
public sealed class SavedModelFixture
{
    private SavedModelFixture(string name, string[] columns, string? secondColumn, (string First, string Second)[] rows,
        Func<MLContext, ITransformer> train)
    {
        Name = name;
        Columns = columns;
        SecondColumn = secondColumn;
        Rows = rows;
        Train = train;
    }

    /// <summary>The file name stem, e.g. <c>masked-lm-embeddings</c>.</summary>
    public string Name { get; }

    /// <summary>The output columns recorded for every row.</summary>
    public string[] Columns { get; }

    /// <summary>The second text column of a pair model, or null.</summary>
    public string? SecondColumn { get; }

    /// <summary>The probed rows (the second text is used only by pair models).</summary>
    public (string First, string Second)[] Rows { get; }

    /// <summary>Trains the model with today's code (only used to write the fixture).</summary>
    public Func<MLContext, ITransformer> Train { get; }

    /// <summary>The saved model.</summary>
    public string ModelPath => System.IO.Path.Combine(Folder, Name + ".zip");

    /// <summary>The outputs recorded when the model was saved: one line per row per column, <c>column TAB value</c>.</summary>
    public string ExpectedPath => System.IO.Path.Combine(Folder, Name + ".expected.txt");

    public static string Folder { get; } = System.IO.Path.Combine(TestData.RepoRoot, "tests", "Microsoft.ML.Attention.Tests", "Fixtures", "SavedModels");

    public static IReadOnlyList<SavedModelFixture> All { get; } =
    [
        new("masked-lm-embeddings", ["Embedding"], null, Singles(Probes), ml =>
        {
            var options = TinyModels.MaskedLm();
            options.MaxSteps = 4;
            return ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 40)));
        }),
        new("text-classification-multiclass", ["PredictedLabel", "Score"], null, Singles(Probes), ml =>
        {
            var options = TextClassificationData.Tiny(maxSteps: 4);
            options.TextClassification.LabelColumnName = "Category";
            var data = ml.Data.LoadFromEnumerable(TextClassificationData.YelpCategories(64));
            var keyed = ml.Transforms.Conversion.MapValueToKey("Category").Fit(data).Transform(data);
            return ml.Transforms.AttentionEncoder(options).Fit(keyed);
        }),
        new("text-classification-binary-pairs", ["PredictedLabel", "Score", "Probability"], "Second",
            Probes.Select(p => (p, "the second text of " + p)).ToArray(), ml =>
        {
            var options = TextClassificationData.Tiny(maxSteps: 4);
            options.TextClassification.SecondTextColumnName = "Second";
            var yelp = TinyModels.YelpRows(48);
            var rows = yelp.Select((r, i) => new TextClassificationData.PairRow { Text = r.Text, Second = yelp[(i + 1) % yelp.Count].Text, Label = r.Label });
            return ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows.ToList()));
        }),
        new("causal-lm-generation", ["GeneratedText"], null, Singles(["First Citizen:", "The king", ""]), ml =>
        {
            var options = CausalModels.TinyCharacterLm(epochs: 6);
            options.Generation = new GenerationOptions { Temperature = 0.8f, TopK = 20, MaxNewTokens = 16, Seed = 7 };
            return ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 80)));
        }),
        new("question-answering", ["Answer", "AnswerStart", "Score"], "Second",
            QuestionAnswering.QuestionAnsweringData.DevExamples.Skip(40).Take(3).Select(e => (e.Question, e.Context)).Append(("Who?", "")).ToArray(), ml =>
        {
            var options = QuestionAnswering.QuestionAnsweringData.Tiny(maxSteps: 4);
            options.QuestionAnswering.ContextColumnName = "Second";
            var rows = QuestionAnswering.QuestionAnsweringData.DevExamples.Take(16)
                .Select(e => new QuestionRow { Text = e.Question, Second = e.Context, Answer = e.Answers[0].Text, AnswerStart = e.Answers[0].Start });
            return ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows.ToList()));
        }),
        new("token-classification-entities", ["PredictedLabel", "Score", "Entities", "EntityTypes", "EntityStarts", "EntityLengths", "EntityScores"], null,
            Singles(["The Fulton County Grand Jury said Friday an investigation of Atlanta 's recent primary election produced no evidence .",
                "Mr.  Kennedy   spoke in Boston", "ok", ""]), ml =>
        {
            var options = TokenClassification.TokenClassificationData.Tiny(epochs: 25);
            options.Tokenizer = Microsoft.ML.Attention.Tokenization.TokenizerKind.Character;   // a small vocabulary keeps the committed model small
            options.VocabularyPath = null;
            options.Model = options.Model with { MaxSequenceLength = 64 };
            options.TokenClassification.LabelColumnName = "Names";
            options.TokenClassification.TagScheme = TagScheme.Iob2;
            options.TokenClassification.AddEntities = true;
            return ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(TokenClassification.TokenClassificationData.Sentences(32)));
        }),
        new("sentence-embedding", ["Embedding"], null, Singles(Probes), ml =>
            ml.Transforms.AttentionEncoder(SentenceEmbeddingData.TinyTask(maxSteps: 4)).Fit(ml.Data.LoadFromEnumerable(SentenceEmbeddingData.KjvToRv1909(32)))),
        new("sentence-similarity-regression", ["Score"], null, Singles(Probes), ml =>
            ml.Regression.Trainers.AttentionSentenceSimilarity(SentenceSimilarityData.TinyTask(maxSteps: 4)).Fit(ml.Data.LoadFromEnumerable(SentenceSimilarityData.Sst2(64)))),
        new("translation", ["Translation"], null, Singles(["In the beginning God created the heaven and the earth.", "And God said, Let there be light.", ""]),
            ml => ml.Transforms.AttentionEncoder(Translation.TranslationData.Tiny(maxSteps: 4)).Fit(ml.Data.LoadFromEnumerable(Translation.TranslationData.Verses(16)))),
    ];

    /// <summary>A question-answering training row in the probe's columns: the question in "Text", the context in "Second".</summary>
    private sealed class QuestionRow
    {
        public string Text { get; set; } = "";
        public string Second { get; set; } = "";
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
    }

    private static string[] Probes => ["The food was great.", "Service was slow and the room was cold.", "ok", ""];

    private static (string, string)[] Singles(string[] texts) => texts.Select(t => (t, "")).ToArray();

    /// <summary>Loads <see cref="ModelPath"/> in a fresh process and returns its outputs for <see cref="Rows"/>.</summary>
    public List<Dictionary<string, string>> Probe() => SecondColumn is null
        ? ModelProbeProcess.Run(ModelPath, Rows.Select(r => r.First).ToList(), Columns)
        : ModelProbeProcess.RunPairs(ModelPath, SecondColumn, Rows, Columns);

    public override string ToString() => Name;
}
