using System.Runtime.CompilerServices;
using Microsoft.ML.Runtime;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.MLNet;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>The front door: transformer (attention) estimators on ML.NET's catalogs.</summary>
public static class AttentionCatalog
{
    /// <summary>
    /// Pretrains a transformer encoder with masked language modelling on <paramref name="inputColumnName"/> (default options) and
    /// adds a sentence-embedding column <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">The embedding column to add. Default: <c>"Embedding"</c>.</param>
    /// <param name="inputColumnName">The text column. Default: <c>"Text"</c>.</param>
    /// <example><code language="csharp">
    /// var pipeline = mlContext.Transforms.AttentionEncoder("Embedding", "Text");
    /// </code></example>
    public static TransformerTextEstimator AttentionEncoder(this TransformsCatalog catalog, string outputColumnName = "Embedding", string inputColumnName = "Text") =>
        AttentionEncoder(catalog, new TransformerTextOptions { OutputColumnName = outputColumnName, TextColumnName = inputColumnName });

    /// <summary>A transformer estimator for the task, columns, model, tokenizer and training run given in <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="options">Task, columns, model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionEncoder(this TransformsCatalog catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransformerTextEstimator(EnvironmentOf(catalog), options);
    }

    /// <summary>
    /// Imports a pretrained BERT-family encoder (all-MiniLM-L6-v2, bert-base-uncased, ...) from files on disk and returns a ready
    /// transformer that writes sentence embeddings: no <c>Fit</c> needed, saved with <c>mlContext.Model.Save</c> like a trained one
    /// (weights and vocabulary inside the <c>.zip</c>). Nothing is downloaded.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="modelPath">An ONNX export of the encoder (<c>model.onnx</c>), a <c>model.safetensors</c> beside its <c>config.json</c>, or that folder.</param>
    /// <param name="vocabularyPath">Its <c>vocab.txt</c> or <c>tokenizer.json</c>; null = the one beside the model.</param>
    /// <param name="outputColumnName">The embedding column (vector of <c>Single</c>, unit length, mean-pooled).</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <example>
    /// <code>
    /// using var encoder = mlContext.Transforms.ImportEncoder("all-MiniLM-L6-v2/model.onnx", "all-MiniLM-L6-v2/vocab.txt");
    /// var embedded = encoder.Transform(data);   // "Embedding": 384 floats per row
    /// </code>
    /// </example>
    public static TransformerTextTransformer ImportEncoder(this TransformsCatalog catalog, string modelPath, string? vocabularyPath = null,
        string outputColumnName = "Embedding", string inputColumnName = "Text") =>
        ImportEncoder(catalog, new ImportEncoderOptions
        {
            ModelPath = modelPath,
            VocabularyPath = vocabularyPath,
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
        });

    /// <summary>Imports a pretrained BERT-family encoder with the given pooling, normalization, length, precision and batch size.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The files and settings; see <see cref="ImportEncoderOptions"/> for each default.</param>
    public static TransformerTextTransformer ImportEncoder(this TransformsCatalog catalog, ImportEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var env = EnvironmentOf(catalog);
        return Wrap(env, EncoderImporter.Import(env, options), options.InferenceBatchSize, options.InferenceEngine, nameof(ImportEncoderOptions));
    }

    /// <summary>
    /// The sentence embeddings of <paramref name="transformer"/> (from <c>ImportEncoder</c>, or a masked-LM model) as a
    /// Microsoft.Extensions.AI <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>.
    /// </summary>
    /// <param name="transformer">A transformer that writes sentence embeddings.</param>
    /// <param name="ownsTransformer">Whether disposing the generator disposes <paramref name="transformer"/>. Default: false.</param>
    /// <example>
    /// <code>
    /// using var generator = mlContext.Transforms.ImportEncoder("model.onnx", "vocab.txt").AsEmbeddingGenerator(ownsTransformer: true);
    /// var vectors = await generator.GenerateAsync(["a query", "a document"]);
    /// </code>
    /// </example>
    public static TransformerEmbeddingGenerator AsEmbeddingGenerator(this TransformerTextTransformer transformer, bool ownsTransformer = false) =>
        new(transformer, ownsTransformer);

    /// <summary>
    /// The <c>Score</c> of <paramref name="transformer"/>, a sentence-pair model (a cross-encoder), for (query, candidate) pairs: what
    /// <see cref="CandidateRanker"/>'s cross-encoder methods take (<c>Rerank</c>, and <c>Rank</c> with a scoring function).
    /// </summary>
    /// <param name="transformer">A <see cref="TransformerTask.TextClassification"/> model with a Boolean label, or a <see cref="TransformerTask.SentenceSimilarity"/> model, fitted with <c>SecondTextColumnName</c>.</param>
    /// <param name="ownsTransformer">Whether disposing the scorer disposes <paramref name="transformer"/>. Default: false.</param>
    /// <exception cref="ArgumentException">The transformer does not read two text columns or writes no Single <c>Score</c> (the message names its task and columns).</exception>
    /// <example>
    /// <code>
    /// using var crossEncoder = mlContext.Model.Load("reranker.zip", out _) is TransformerTextTransformer t ? t.AsPairScorer(ownsTransformer: true) : throw new InvalidDataException();
    /// var retrieved = CandidateRanker.Rank(queryVector, corpusVectors, topK: 20);                  // the bi-encoder's top 20
    /// var reranked = CandidateRanker.Rerank(crossEncoder.Score, query, corpusTexts, retrieved);  // indices into corpusTexts, best first
    /// </code>
    /// </example>
    public static TransformerPairScorer AsPairScorer(this TransformerTextTransformer transformer, bool ownsTransformer = false) =>
        new(transformer, ownsTransformer);

    /// <summary>
    /// The text generation of <paramref name="transformer"/> (a causal-LM model, or one from <c>ImportLlama2c</c>) as a
    /// Microsoft.Extensions.AI <see cref="Microsoft.Extensions.AI.IChatClient"/>, with streaming; see <see cref="TransformerChatClient"/>
    /// for how messages become a prompt.
    /// </summary>
    /// <param name="transformer">A transformer that generates text.</param>
    /// <param name="ownsTransformer">Whether disposing the client disposes <paramref name="transformer"/>. Default: false.</param>
    /// <exception cref="ArgumentException">The transformer does not generate text.</exception>
    /// <example>
    /// <code>
    /// using var chat = mlContext.Transforms.ImportLlama2c("stories260K.bin", "tok512.bin").AsChatClient(ownsTransformer: true);
    /// await foreach (var update in chat.GetStreamingResponseAsync("Once upon a time"))
    ///     Console.Write(update.Text);
    /// </code>
    /// </example>
    public static TransformerChatClient AsChatClient(this TransformerTextTransformer transformer, bool ownsTransformer = false) =>
        new(transformer, ownsTransformer);

    /// <summary>
    /// Imports a pretrained karpathy/llama2.c checkpoint (e.g. the tinyllamas stories260K / stories15M <c>.bin</c>) and its tokenizer
    /// file (e.g. <c>tok512.bin</c>) as a ready, trained <see cref="TransformerTextTransformer"/> for
    /// <see cref="TransformerTask.CausalLanguageModeling"/>: <c>Transform</c> writes the continuation of <paramref name="promptColumnName"/>
    /// into <paramref name="outputColumnName"/>, and the transformer saves to and loads from an ML.NET <c>.zip</c> like a trained one
    /// (weights, config, tokenizer and generation settings inside). It can also be the <see cref="TransformerTextOptions.InitialModel"/>
    /// of further causal-LM training.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="checkpointPath">The llama2.c checkpoint (legacy version-0 export, see <see cref="Persistence.Llama2cCheckpoint"/>).</param>
    /// <param name="tokenizerPath">The llama2.c tokenizer file; it must hold exactly the checkpoint's vocab_size tokens.</param>
    /// <param name="promptColumnName">The input text column holding prompts. Default: <c>"Prompt"</c>.</param>
    /// <param name="outputColumnName">The text column to add. Default: <c>"GeneratedText"</c>.</param>
    /// <param name="generation">Generation settings (copied). Default: <c>null</c>, meaning <c>new GenerationOptions()</c> (64 new tokens,
    /// temperature 1, no seed); use <c>Temperature = 0</c> for llama2.c's greedy <c>run -t 0.0</c>.</param>
    /// <returns>The transformer; dispose it to free the weights.</returns>
    /// <exception cref="ArgumentException">A path or column name is empty, or a generation option is out of range (named).</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, truncated, or the two files do not match; the message names the file.</exception>
    /// <example><code language="csharp">
    /// using var stories = mlContext.Transforms.ImportLlama2c("stories260K.bin", "tok512.bin",
    ///     generation: new GenerationOptions { Temperature = 0, MaxNewTokens = 256 });
    /// Console.WriteLine(stories.Generate("Once upon a time"));
    /// </code></example>
    public static TransformerTextTransformer ImportLlama2c(this TransformsCatalog catalog, string checkpointPath, string tokenizerPath,
        string promptColumnName = "Prompt", string outputColumnName = "GeneratedText", GenerationOptions? generation = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Wrap(EnvironmentOf(catalog), Llama2cImporter.Import(checkpointPath, tokenizerPath, promptColumnName, outputColumnName, generation), inferenceBatchSize: 32);
    }

    /// <summary>
    /// Fine-tunes a transformer text classifier on a key-typed label (<see cref="TransformerTask.TextClassification"/>, default options):
    /// adds <c>PredictedLabel</c> (key) and <c>Score</c> (class probabilities). The same estimator as <c>Transforms.AttentionEncoder</c>.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="labelColumnName">The key-typed label column. Default: <c>"Label"</c>.</param>
    /// <param name="textColumnName">The text column. Default: <c>"Text"</c>.</param>
    /// <param name="secondTextColumnName">The second text of a sentence pair, or null. Default: <c>null</c>.</param>
    /// <example><code language="csharp">
    /// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
    ///     .Append(mlContext.MulticlassClassification.Trainers.AttentionTextClassifier("Label", "Text"))
    ///     .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    /// </code></example>
    public static TransformerTextEstimator AttentionTextClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string textColumnName = "Text", string? secondTextColumnName = null) =>
        AttentionTextClassifier(catalog, new TransformerTextOptions { TextColumnName = textColumnName, TextClassification = { LabelColumnName = labelColumnName, SecondTextColumnName = secondTextColumnName } });

    /// <summary>A transformer text classifier with the given options; a copy of <paramref name="options"/> with Task <see cref="TransformerTask.TextClassification"/> (the caller's object is not changed).</summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="options">Columns, model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionTextClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TransformerTextEstimator(EnvironmentOf(catalog), options.WithTask(TransformerTask.TextClassification));
    }

    /// <summary>
    /// Fine-tunes a transformer text classifier on a Boolean label (<see cref="TransformerTask.TextClassification"/>, default options):
    /// adds <c>PredictedLabel</c> (Boolean), <c>Score</c> (logit) and <c>Probability</c>. The same estimator as <c>Transforms.AttentionEncoder</c>.
    /// </summary>
    /// <param name="catalog">The binary trainers catalog (<c>mlContext.BinaryClassification.Trainers</c>).</param>
    /// <param name="labelColumnName">The Boolean label column. Default: <c>"Label"</c>.</param>
    /// <param name="textColumnName">The text column. Default: <c>"Text"</c>.</param>
    /// <param name="secondTextColumnName">The second text of a sentence pair, or null. Default: <c>null</c>.</param>
    /// <example><code language="csharp">
    /// var model = mlContext.BinaryClassification.Trainers.AttentionTextClassifier("Label", "Text").Fit(train);
    /// var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(test));
    /// </code></example>
    public static TransformerTextEstimator AttentionTextClassifier(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string textColumnName = "Text", string? secondTextColumnName = null) =>
        AttentionTextClassifier(catalog, new TransformerTextOptions { TextColumnName = textColumnName, TextClassification = { LabelColumnName = labelColumnName, SecondTextColumnName = secondTextColumnName } });

    /// <summary>A transformer text classifier with the given options; a copy of <paramref name="options"/> with Task <see cref="TransformerTask.TextClassification"/> (the caller's object is not changed).</summary>
    /// <param name="catalog">The binary trainers catalog (<c>mlContext.BinaryClassification.Trainers</c>).</param>
    /// <param name="options">Columns, model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionTextClassifier(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TransformerTextEstimator(EnvironmentOf(catalog), options.WithTask(TransformerTask.TextClassification));
    }

    /// <summary>
    /// Fine-tunes extractive question answering from a pretrained encoder (<see cref="TransformerTask.QuestionAnswering"/>), where
    /// ML.NET users look for it (ML.NET's own <c>MulticlassClassification.Trainers.QuestionAnswer</c>): adds <c>Answer</c> (text),
    /// <c>AnswerStart</c> (Int32) and <c>Score</c>, and with <paramref name="topAnswerCount"/> above 1 the vector columns
    /// <c>TopAnswers</c>, <c>TopAnswerStarts</c> and <c>TopScores</c>. The same estimator as <c>Transforms.AttentionEncoder</c>.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="initialModel">The pretrained encoder (ONNX, safetensors or a saved <c>.zip</c>; see <see cref="TransformerTextOptions.InitialModel"/>).</param>
    /// <param name="vocabularyPath">Its WordPiece vocabulary (vocab.txt or tokenizer.json), or null for the one beside the model.</param>
    /// <param name="contextColumnName">The paragraph column. Default: <c>"Context"</c>.</param>
    /// <param name="questionColumnName">The question column. Default: <c>"Question"</c>.</param>
    /// <param name="answerColumnName">The training answer's text. Default: <c>"Answer"</c>.</param>
    /// <param name="answerStartColumnName">The training answer's first character in the context. Default: <c>"AnswerStart"</c>.</param>
    /// <param name="topAnswerCount">Answers per row; above 1 adds the top-answer vectors. Default: 1.</param>
    /// <example><code language="csharp">
    /// var squad = SquadReader.Load(mlContext, "train-v1.1.json");
    /// var model = mlContext.MulticlassClassification.Trainers.AttentionQuestionAnswer("model.onnx", "vocab.txt").Fit(squad);
    /// SquadMetrics metrics = SquadEvaluator.Evaluate(model.Transform(SquadReader.Load(mlContext, "dev-v1.1.json")));
    /// </code></example>
    public static TransformerTextEstimator AttentionQuestionAnswer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string initialModel, string? vocabularyPath = null, string contextColumnName = "Context", string questionColumnName = "Question",
        string answerColumnName = "Answer", string answerStartColumnName = "AnswerStart", int topAnswerCount = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(initialModel);
        return AttentionQuestionAnswer(catalog, new TransformerTextOptions
        {
            InitialModel = initialModel,
            Tokenizer = TokenizerKind.WordPiece,
            VocabularyPath = vocabularyPath,
            QuestionAnswering = new QuestionAnsweringOptions
            {
                ContextColumnName = contextColumnName,
                QuestionColumnName = questionColumnName,
                AnswerColumnName = answerColumnName,
                AnswerStartColumnName = answerStartColumnName,
                TopAnswerCount = topAnswerCount,
            },
        });
    }

    /// <summary>Extractive question answering with the given options; a copy of <paramref name="options"/> with Task <see cref="TransformerTask.QuestionAnswering"/> (the caller's object is not changed).</summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="options">Columns (<see cref="TransformerTextOptions.QuestionAnswering"/>), initial model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionQuestionAnswer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TransformerTextEstimator(EnvironmentOf(catalog), options.WithTask(TransformerTask.QuestionAnswering));
    }

    /// <summary>
    /// Fine-tunes token classification (named entities, part-of-speech tags) from a pretrained encoder
    /// (<see cref="TransformerTask.TokenClassification"/>), where ML.NET users look for it (ML.NET's own
    /// <c>MulticlassClassification.Trainers.NamedEntityRecognition</c>, with its column conventions: a <c>Sentence</c> text split on white
    /// space, or a vector of words, and a <c>Label</c> vector with one label per word): adds <c>PredictedLabel</c> (one label per word, of
    /// the label's type) and <c>Score</c> (one probability per word), and with <paramref name="tagScheme"/> other than
    /// <see cref="TagScheme.None"/> the entity vectors (<see cref="TokenClassificationOptions.AddEntities"/>). The same estimator as
    /// <c>Transforms.AttentionEncoder</c>.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="initialModel">The pretrained encoder (ONNX, safetensors or a saved <c>.zip</c>; see <see cref="TransformerTextOptions.InitialModel"/>).</param>
    /// <param name="vocabularyPath">Its WordPiece vocabulary (vocab.txt or tokenizer.json), or null for the one beside the model.</param>
    /// <param name="labelColumnName">One label per word (a vector of text or keys). Default: <c>"Label"</c>.</param>
    /// <param name="sentenceColumnName">The words: a text column split on white space, or a vector of text. Default: <c>"Sentence"</c>.</param>
    /// <param name="tagScheme">How the labels mark entity spans; other than <see cref="TagScheme.None"/> adds the entity columns. Default: <see cref="TagScheme.Iob2"/>.</param>
    /// <example><code language="csharp">
    /// var train = ConllReader.Load(mlContext, "train.conll", new ConllColumn("Sentence", 0), new ConllColumn("Label", 3));
    /// var model = mlContext.MulticlassClassification.Trainers.AttentionNamedEntityRecognition("model.onnx", "vocab.txt").Fit(train);
    /// var metrics = TokenClassificationEvaluator.Evaluate(model.Transform(test), labelColumnName: "Label");
    /// </code></example>
    public static TransformerTextEstimator AttentionNamedEntityRecognition(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string initialModel, string? vocabularyPath = null, string labelColumnName = "Label", string sentenceColumnName = "Sentence",
        TagScheme tagScheme = TagScheme.Iob2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(initialModel);
        return AttentionNamedEntityRecognition(catalog, new TransformerTextOptions
        {
            InitialModel = initialModel,
            Tokenizer = TokenizerKind.WordPiece,
            VocabularyPath = vocabularyPath,
            TokenClassification = new TokenClassificationOptions
            {
                WordsColumnName = sentenceColumnName,
                LabelColumnName = labelColumnName,
                TagScheme = tagScheme,
                AddEntities = tagScheme != TagScheme.None,
            },
        });
    }

    /// <summary>Token classification with the given options; a copy of <paramref name="options"/> with Task <see cref="TransformerTask.TokenClassification"/> (the caller's object is not changed).</summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="options">Columns (<see cref="TransformerTextOptions.TokenClassification"/>), initial model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionNamedEntityRecognition(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TransformerTextEstimator(EnvironmentOf(catalog), options.WithTask(TransformerTask.TokenClassification));
    }

    /// <summary>
    /// Fine-tunes a transformer regressor (<see cref="TransformerTask.SentenceSimilarity"/>, default options) on a text or a text pair and
    /// a <c>Single</c> label, where ML.NET users look for it (ML.NET's own <c>Regression.Trainers.SentenceSimilarity</c>): adds <c>Score</c>
    /// (<c>Single</c>), which <c>mlContext.Regression.Evaluate</c> reads. The same estimator as <c>Transforms.AttentionEncoder</c>.
    /// </summary>
    /// <param name="catalog">The regression trainers catalog (<c>mlContext.Regression.Trainers</c>).</param>
    /// <param name="labelColumnName">The <c>Single</c> target column. Default: <c>"Label"</c>.</param>
    /// <param name="textColumnName">The (first) text column. Default: <c>"Text"</c>.</param>
    /// <param name="secondTextColumnName">The second text of a sentence pair (a cross-encoder), or null for single-text regression. Default: <c>null</c>.</param>
    /// <example><code language="csharp">
    /// var model = mlContext.Regression.Trainers.AttentionSentenceSimilarity("Similarity", "Sentence1", "Sentence2").Fit(train);
    /// var metrics = mlContext.Regression.Evaluate(model.Transform(test), labelColumnName: "Similarity");
    /// </code></example>
    public static TransformerTextEstimator AttentionSentenceSimilarity(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string textColumnName = "Text", string? secondTextColumnName = null) =>
        AttentionSentenceSimilarity(catalog, new TransformerTextOptions { TextColumnName = textColumnName, SentenceSimilarity = { LabelColumnName = labelColumnName, SecondTextColumnName = secondTextColumnName } });

    /// <summary>A transformer regressor with the given options; a copy of <paramref name="options"/> with Task <see cref="TransformerTask.SentenceSimilarity"/> (the caller's object is not changed).</summary>
    /// <param name="catalog">The regression trainers catalog (<c>mlContext.Regression.Trainers</c>).</param>
    /// <param name="options">Columns (<see cref="TransformerTextOptions.SentenceSimilarity"/>), model, tokenizer and training options.</param>
    public static TransformerTextEstimator AttentionSentenceSimilarity(this RegressionCatalog.RegressionTrainers catalog, TransformerTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TransformerTextEstimator(EnvironmentOf(catalog), options.WithTask(TransformerTask.SentenceSimilarity));
    }

    // An imported model becomes a transformer; the model is released if that fails.
    private static TransformerTextTransformer Wrap(IHostEnvironment env, TrainedTask imported, int inferenceBatchSize,
        InferenceEngine engine = InferenceEngine.TorchSharp, string optionsClass = nameof(TransformerTextOptions))
    {
        try
        {
            return new TransformerTextTransformer(env, imported, inferenceBatchSize, engine, threadCount: 0, optionsClass);
        }
        catch
        {
            imported.Model.Dispose();
            throw;
        }
    }

    // The first entry point checks the prerequisites (ML.NET version, native libtorch) before any ML.NET internal is reached:
    // CatalogUtils is internal, so it is called from a separate, never-inlined method.
    private static IHostEnvironment EnvironmentOf(TransformsCatalog catalog)
    {
        Prerequisites.Check();
        return InternalEnvironmentOf(catalog);
    }

    private static IHostEnvironment EnvironmentOf(TrainCatalogBase.CatalogInstantiatorBase catalog)
    {
        Prerequisites.Check();
        return InternalEnvironmentOf(catalog);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment InternalEnvironmentOf(TransformsCatalog catalog) => CatalogUtils.GetEnvironment(catalog);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment InternalEnvironmentOf(TrainCatalogBase.CatalogInstantiatorBase catalog) => CatalogUtils.GetEnvironment(catalog);
}
