using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.MLNet;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;

[assembly: LoadableClass(typeof(TransformerTextTransformer), null, typeof(SignatureLoadModel),
    "Attention Text Transformer", TransformerTextTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(TransformerTextTransformer), null, typeof(SignatureLoadRowMapper),
    "Attention Text Transformer", TransformerTextTransformer.LoaderSignature)]

namespace Microsoft.ML.Attention;

/// <summary>
/// The trained result of <see cref="TransformerTextEstimator"/> (or of <c>ImportEncoder</c> / <c>ImportLlama2c</c>): a transformer
/// network, its tokenizer and its task. <c>Transform</c> adds the task's output columns (<see cref="OutputColumnNames"/>; each task's
/// guide in docs/ lists them), <see cref="InferenceBatchSize"/> rows per forward pass; <c>PredictionEngine</c> works row by row.
/// Saved with <c>mlContext.Model.Save</c> (config, tokenizer and weights inside the <c>.zip</c>) and restored by <c>mlContext.Model.Load</c>.
/// </summary>
public sealed class TransformerTextTransformer : ITransformer, IDisposable
{
    internal const string LoaderSignature = "AttentionTextTransformer";
    private const string TaskStream = "Task.bin";
    private const string InferenceStream = "Inference.bin";

    private readonly IHost _host;
    private readonly IHostEnvironment _env;          // WithInference makes its transformers in the same environment
    private readonly InferenceSettings _settings;
    private readonly ITaskScorer _scorer;
    private bool _disposed;

    /// <summary>A transformer over <paramref name="model"/> (which it owns from then on; the caller disposes it when this throws).</summary>
    /// <param name="env">The host environment.</param>
    /// <param name="model">The trained, imported or loaded model.</param>
    /// <param name="inferenceBatchSize">Rows per forward pass.</param>
    /// <param name="settings">Precision, engine (TorchSharp or OnnxRuntime: resolved, see <see cref="EngineSelection"/>) and threads.</param>
    internal TransformerTextTransformer(IHostEnvironment env, TaskModel model, int inferenceBatchSize, InferenceSettings settings)
    {
        _host = env.Register(nameof(TransformerTextTransformer));
        _env = env;
        Model = model;
        InferenceBatchSize = inferenceBatchSize;
        _settings = settings;
        _scorer = model.CreateScorer(settings);
    }

    /// <summary>The result of <c>Fit</c> or an import, scoring with <paramref name="engine"/> (resolved here).</summary>
    internal TransformerTextTransformer(IHostEnvironment env, TrainedTask trained, int inferenceBatchSize, InferenceEngine engine, int threadCount, string optionsClass)
        : this(env, trained.Model, inferenceBatchSize,
            new InferenceSettings(trained.Precision, EngineSelection.Resolve(engine, trained.Precision, trained.Model.Task, optionsClass), threadCount))
    {
        TrainingResult = trained.Training;
    }

    internal TaskModel Model { get; }

    internal TaskSpec Spec => Model.Spec;

    /// <summary>What <c>Fit</c> did (steps, losses, validation per epoch); null for a loaded model.</summary>
    internal Training.TrainingResult? TrainingResult { get; }

    /// <summary>The task the network was trained for.</summary>
    public TransformerTask Task => Spec.Task;

    /// <summary>The network's shape.</summary>
    public TransformerConfig Config => Model.Config;

    /// <summary>The tokenizer (its complete definition is saved with the model).</summary>
    public TextTokenizer Tokenizer => Model.Tokenizer;

    /// <summary>The input text column(s), in order.</summary>
    public IReadOnlyList<string> InputColumnNames => Spec.InputColumnNames;

    /// <summary>The names of the columns <see cref="Transform"/> adds.</summary>
    public IReadOnlyList<string> OutputColumnNames => _scorer.OutputColumns.Select(c => c.Name).ToList();

    /// <summary>Whether <see cref="Transform"/> writes one sentence embedding per row: one text input, one known-size float vector output.</summary>
    internal bool WritesEmbeddings => _scorer.InputColumns is [{ IsWords: false }] && _scorer.OutputColumns.Count == 1
        && _scorer.OutputColumns[0].Type is VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector && vector.ItemType == NumberDataViewType.Single;

    /// <summary>Rows per forward pass in <see cref="Transform"/>.</summary>
    public int InferenceBatchSize { get; }

    /// <summary>
    /// The number format of the encoder's forward pass in <see cref="Transform"/> (the encoder tasks; generation runs in float32); see
    /// <see cref="TransformerTextOptions.InferencePrecision"/>. Saved with the model.
    /// </summary>
    public InferencePrecision InferencePrecision => _settings.Precision;

    /// <summary>
    /// The engine that runs the network in <see cref="Transform"/> and <c>PredictionEngine</c>: <see cref="InferenceEngine.TorchSharp"/> or
    /// <see cref="InferenceEngine.OnnxRuntime"/> (what <see cref="InferenceEngine.Automatic"/> chose). Not saved with the model: a loaded model
    /// scores with TorchSharp (ONNX Runtime for an <see cref="InferencePrecision.Int8"/> model); change it with
    /// <see cref="WithInference(InferenceEngine, InferencePrecision, int)"/>.
    /// </summary>
    public InferenceEngine InferenceEngine => _settings.Engine;

    /// <summary>
    /// A transformer over the same network that scores with <paramref name="engine"/> at <paramref name="precision"/>, e.g. a loaded model
    /// switched to ONNX Runtime, or to int8. Outputs, columns, batching and tokenization are those of this transformer; the saved
    /// <c>.zip</c> of either is the same except for the precision, which is saved (the engine is not). The two share the float32 weights,
    /// which are released when both are disposed; each owns its own engine (ONNX Runtime session, bfloat16 copy). With ONNX Runtime the
    /// network is exported in memory and a session opened here.
    /// </summary>
    /// <param name="engine">The engine; <see cref="InferenceEngine.Automatic"/> picks the faster one for <paramref name="precision"/>.</param>
    /// <param name="precision">The number format: <see cref="InferencePrecision.Int8"/> on ONNX Runtime only, <see cref="InferencePrecision.BFloat16"/> on TorchSharp only.</param>
    /// <param name="threadCount">ONNX Runtime's intra-op threads; 0 (default) = as many as libtorch uses. TorchSharp ignores it (its threads are process-wide: <see cref="TransformerTextOptions.ThreadCount"/>).</param>
    /// <returns>A new transformer; dispose it as well as this one.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An undefined value, a negative <paramref name="threadCount"/>, or a precision the engine does not run.</exception>
    /// <exception cref="NotSupportedException">ONNX Runtime asked for a task it does not score (generation, translation); the message names the task.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime needed and the package Microsoft.ML.Attention.OnnxRuntime is not in the application.</exception>
    public TransformerTextTransformer WithInference(InferenceEngine engine, InferencePrecision precision, int threadCount = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        const string method = nameof(TransformerTextTransformer) + "." + nameof(WithInference);
        OptionChecks.Require(threadCount >= 0, method, nameof(threadCount), threadCount, "must be 0 (libtorch's thread count) or positive");
        return WithSettings(new InferenceSettings(precision, EngineSelection.Resolve(engine, precision, Task, method), threadCount));
    }

    /// <summary>A transformer over the same network with <paramref name="settings"/> (resolved already); see <see cref="WithInference"/>.</summary>
    internal TransformerTextTransformer WithSettings(InferenceSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var shared = Model.Share();
        try
        {
            return new TransformerTextTransformer(_env, shared, InferenceBatchSize, settings);
        }
        catch
        {
            shared.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _host.CheckValue(inputSchema, nameof(inputSchema));
        foreach (var column in _scorer.InputColumns)
            SchemaChecks.CheckInputColumn(_host, inputSchema, column, nameof(inputSchema));
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var column in _scorer.OutputColumns)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        return builder.ToSchema();
    }

    /// <summary>
    /// Adds the output columns to <paramref name="input"/>, running the network on batches of rows when the view is read. A cursor opened
    /// inside a <see cref="TransformerScoring.WithCancellation(CancellationToken)"/> scope stops reading when the scope's token is cancelled.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        return new BatchedTransformDataView(input, _scorer, InferenceBatchSize, GetOutputSchema(input.Schema));
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        GetOutputSchema(inputSchema);
        return new RowToRowMapperTransform(_host, new EmptyDataView(_host, inputSchema), MakeRowMapper(inputSchema), MakeRowMapper);
    }

    /// <summary>
    /// Scores rows outside a data view (each with the values of the scorer's input columns), <see cref="InferenceBatchSize"/> rows per
    /// forward pass. Safe to call from several threads at once: a forward pass keeps no state between calls (the 16-thread concurrency
    /// tests run the row mapper and <see cref="Transform"/> this way).
    /// </summary>
    internal ScoredRows ScoreRows(IReadOnlyList<InputRow> inputs, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _scorer.Score(inputs, InferenceBatchSize, cancellationToken);
    }

    /// <summary>The output columns of <see cref="ScoreRows"/>, in order.</summary>
    internal IReadOnlyList<TaskOutputColumn> OutputColumns => _scorer.OutputColumns;

    private IRowMapper MakeRowMapper(DataViewSchema schema) => new TransformerTextRowMapper(this, _scorer, schema);

    /// <summary>
    /// For <see cref="TransformerTask.CausalLanguageModeling"/>: a copy of the generation settings that <see cref="Transform"/>,
    /// <see cref="Generate"/> and <see cref="GenerateStream(string?, CancellationToken)"/> use (saved with the model); null for other tasks.
    /// </summary>
    public Generation.GenerationOptions? Generation => (_scorer as IGeneratingScorer)?.Generation;

    /// <summary>
    /// Generates the continuation of <paramref name="prompt"/>, yielding text pieces as the tokens are produced (a multi-byte character
    /// is never split), with the saved <see cref="Generation"/> settings. The output ends at <see cref="Generation.GenerationOptions.MaxNewTokens"/>,
    /// at the end token, when the context is full, or before a stop sequence (text that may start one is held back until decided).
    /// The concatenated pieces equal what <see cref="Transform"/> writes for the same prompt.
    /// </summary>
    /// <param name="prompt">The prompt (not repeated in the output); null or empty generates from the start token alone. A prompt longer
    /// than the context keeps only its last <see cref="TransformerConfig.MaxSequenceLength"/> tokens.</param>
    /// <param name="cancellationToken">Checked before each token; the enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The pieces, produced lazily while enumerating.</returns>
    /// <exception cref="InvalidOperationException">The transformer was not trained for <see cref="TransformerTask.CausalLanguageModeling"/>.</exception>
    public IEnumerable<string> GenerateStream(string? prompt, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return GenerationScorerOrThrow().Stream(prompt, cancellationToken);
    }

    /// <summary>
    /// As <see cref="GenerateStream(string?, CancellationToken)"/>, with <paramref name="options"/> instead of the saved
    /// <see cref="Generation"/> settings for this call (start from a copy of <see cref="Generation"/> to change one setting).
    /// </summary>
    /// <param name="prompt">The prompt (not repeated in the output); null or empty generates from the start token alone.</param>
    /// <param name="options">Sampling and stopping settings for this call; validated before the first piece.</param>
    /// <param name="cancellationToken">Checked before each token; the enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The pieces, produced lazily while enumerating.</returns>
    /// <exception cref="InvalidOperationException">The transformer was not trained for <see cref="TransformerTask.CausalLanguageModeling"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range (named).</exception>
    public IEnumerable<string> GenerateStream(string? prompt, Generation.GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return GenerationScorerOrThrow().Stream(prompt, options, cancellationToken);
    }

    /// <summary>Generates the continuation of <paramref name="prompt"/>: the concatenation of <see cref="GenerateStream(string?, CancellationToken)"/>'s pieces.</summary>
    /// <param name="prompt">The prompt (not repeated in the output); null or empty generates from the start token alone.</param>
    /// <returns>The generated text.</returns>
    /// <exception cref="InvalidOperationException">The transformer was not trained for <see cref="TransformerTask.CausalLanguageModeling"/>.</exception>
    public string Generate(string? prompt) => string.Concat(GenerateStream(prompt));

    /// <summary>
    /// The attention weights of every layer and head for one text (or a pair of texts for a pair model), with the tokens, computed by
    /// the reference attention path: what an attention heatmap shows. The text is encoded as the task encodes it (special tokens
    /// included; cut at <see cref="TransformerConfig.MaxSequenceLength"/> tokens); a decoder's weights are causal.
    /// </summary>
    /// <param name="text">The text (the first text of a pair).</param>
    /// <param name="secondText">The second text of a pair (encoder tasks only), or null.</param>
    /// <returns>Tokens and weights [layer, head, query, key].</returns>
    /// <exception cref="ArgumentException"><paramref name="secondText"/> is given for a decoder.</exception>
    public AttentionWeights GetAttentionWeights(string text, string? secondText = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return AttentionWeightsReader.Read(Model, text, secondText);
    }

    /// <summary>
    /// The cross-attention weights of a translation model (<see cref="TransformerTask.Translation"/>) for one source: for every decoder
    /// layer and head, how much the decoder looked at each source token while writing each target token, computed by the reference
    /// attention path. Without <paramref name="target"/> the model first translates <paramref name="source"/> with its saved beam search
    /// settings (what <c>Transform</c> writes) and the weights are those of its own translation.
    /// </summary>
    /// <param name="source">The source text (cut at the encoder's <see cref="TransformerConfig.MaxSequenceLength"/> tokens, its end token kept).</param>
    /// <param name="target">A target text to teacher-force (e.g. the reference translation), or null for the model's own translation.</param>
    /// <returns>Source and target tokens and the weights [layer, head, target, source].</returns>
    /// <exception cref="InvalidOperationException">The transformer is not an encoder–decoder (the message names its task).</exception>
    public CrossAttentionWeights GetCrossAttentionWeights(string source, string? target = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CrossAttentionWeightsReader.Read(Model, source, target);
    }

    private IGeneratingScorer GenerationScorerOrThrow() => _scorer as IGeneratingScorer ?? throw new InvalidOperationException(
        $"This transformer was trained for {Task}; text generation needs {nameof(TransformerTask)}.{nameof(TransformerTask.CausalLanguageModeling)} " +
        $"(train with that task, or import a checkpoint with mlContext.Transforms.{nameof(AttentionCatalog.ImportLlama2c)}).");

    /// <summary>
    /// Writes the trained (or imported) network as an ONNX model (opset 17, float32 weights as named initializers) that ONNX Runtime,
    /// ML.NET's <c>ApplyOnnxModel</c> or any ONNX runtime scores. Tokenization stays in .NET: feed the graph <c>input_ids</c>,
    /// <c>attention_mask</c> and <c>token_type_ids</c> ([batch, sequence] int64, both axes dynamic, at most
    /// <see cref="TransformerConfig.MaxSequenceLength"/> tokens) made with <see cref="Tokenizer"/>; <c>token_type_ids</c> is read only by
    /// models with token types (all zeros for single texts). The outputs are the task's (each task's guide in docs/ names them: e.g.
    /// <c>sentence_embedding</c>, <c>logits</c> and <c>probabilities</c>, <c>start_logits</c> and <c>end_logits</c>); a task that has no
    /// ONNX form says why in the exception. An encoder in BERT's layout (e.g. an imported one) keeps Hugging Face's weight names, so
    /// <c>mlContext.Transforms.ImportEncoder</c> reads the file back. The export is float32 whatever <see cref="InferencePrecision"/> is.
    /// </summary>
    /// <param name="path">The .onnx file to create or overwrite.</param>
    /// <exception cref="NotSupportedException">The task, the network or an option of its configuration has no ONNX mapping; the message names it, and no file is written.</exception>
    public void ExportToOnnx(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _host.CheckNonWhiteSpace(path, nameof(path));
        Persistence.Export.OnnxExporter.Export(Model.Network, Model.Config, Spec.WriteOnnxOutputs, path);
    }

    /// <summary>
    /// Releases the network's tensors (unless a transformer made by <see cref="WithInference"/> still holds them), the bfloat16 copy of
    /// <see cref="InferencePrecision.BFloat16"/> and the ONNX Runtime session of <see cref="InferenceEngine.OnnxRuntime"/>. Afterwards every member that
    /// runs the network (<see cref="Transform"/>, <see cref="GetOutputSchema"/>, prediction engines, <see cref="Generate"/>, saving)
    /// throws <see cref="ObjectDisposedException"/>; a second call does nothing. Data views returned by <see cref="Transform"/> before must
    /// not be read afterwards.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _scorer.Dispose();
        Model.Dispose();
    }

    // Format history (bump verWrittenCur for every change, keep reading what verWeCanReadBack allows, and add a model saved by the
    // previous version to tests/Microsoft.ML.Attention.Tests/Fixtures/SavedModels):
    // 0x00010001: every task (TransformerTask as int: 0 masked-LM embeddings, 1 causal-LM generation, 2 text classification), the
    //             inference batch size, and the streams Task.bin, Config.json, Tokenizer.bin, Network.bin; the optional stream
    //             Inference.bin (inference precision) was added without a version change, since a reader treats its absence as Float32.
    // 0x00010002: the stream Checksums.bin (SHA-256 of the header values and of every stream, see StreamChecksums), required from this
    //             version on; readers of 0x00010001 ignore it, hence verReadableCur stays 0x00010001.
    // 0x00010003: token classification's Task.bin ends with the case-features flag (TokenClassificationSpec; absent = false). A reader
    //             of 0x00010002 would drop the flag and fail on the shape embedding's weights, hence verReadableCur is 0x00010003: it
    //             says "upgrade" instead.
    private const uint ChecksumsVersion = 0x00010002;
    private const uint CaseFeaturesVersion = 0x00010003;
    private const string HeaderValues = "Model.key:task,batch";

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "ATTNTEXT",
        verWrittenCur: CaseFeaturesVersion,
        verReadableCur: CaseFeaturesVersion,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(TransformerTextTransformer).Assembly.FullName);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());

        // *** Binary format ***
        // int: task (TransformerTask)
        // int: inference batch size
        // stream Task.bin: the task's settings (TaskSpec.Save)
        // stream Config.json, stream Tokenizer.bin, stream Network.bin (see ModelStreams)
        // stream Inference.bin: int: inference precision (InferencePrecision); optional, absent (older models) = Float32
        // stream Checksums.bin: SHA-256 of the two ints above and of every stream (StreamChecksums); from 0x00010002
        ctx.Writer.Write((int)Task);
        ctx.Writer.Write(InferenceBatchSize);
        var checksums = new StreamChecksums();
        checksums.AddValues(HeaderValues, HeaderBytes(Task, InferenceBatchSize));
        checksums.SaveStream(ctx, TaskStream, Spec.Save);
        checksums.SaveStream(ctx, ModelStreams.ConfigStream, w => ModelStreams.SaveConfig(Model.Config, w));
        checksums.SaveStream(ctx, ModelStreams.TokenizerStream, Model.Tokenizer.Save);
        checksums.SaveStream(ctx, ModelStreams.NetworkStream, Model.SaveNetwork);
        checksums.SaveStream(ctx, InferenceStream, w => w.Write((int)InferencePrecision));
        checksums.Save(ctx);
    }

    private static byte[] HeaderBytes(TransformerTask task, int batchSize) => [.. BitConverter.GetBytes((int)task), .. BitConverter.GetBytes(batchSize)];

    private static TransformerTextTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        // The prerequisites first, in a method that reaches no ML.NET internal (see Prerequisites).
        Prerequisites.Check();
        return Load(env, ctx);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static TransformerTextTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        var version = GetVersionInfo();
        if (ctx.Header.ModelSignature == version.ModelSignature && ctx.Header.ModelVerReadable > version.VerWrittenCur)
        {
            // ML.NET's own message names the ML.NET version, not this library's.
            throw new InvalidDataException(
                $"The saved model was written by a newer Microsoft.ML.Attention (format 0x{ctx.Header.ModelVerReadable:X8}; this version reads up to 0x{version.VerWrittenCur:X8}). Upgrade the Microsoft.ML.Attention package to load it.");
        }
        ctx.CheckAtModel(version);

        // *** Binary format ***  (see Save)
        var task = (TransformerTask)ctx.Reader.ReadInt32();
        int batchSize = ctx.Reader.ReadInt32();
        StreamChecksums.Verify(ctx, new Dictionary<string, byte[]> { [HeaderValues] = HeaderBytes(task, batchSize) },
            required: ctx.Header.ModelVerWritten >= ChecksumsVersion);
        if (batchSize < 1)
            throw new InvalidDataException($"The saved model has an invalid inference batch size ({batchSize}).");

        TaskSpec? spec = null;
        TransformerConfig? config = null;
        TextTokenizer? tokenizer = null;
        if (!TaskRegistry.TryGet(task, out var definition))
            throw new InvalidDataException($"The saved model names an unknown task ({(int)task}); it was written by a newer Microsoft.ML.Attention.");
        Require(ctx.TryLoadBinaryStream(TaskStream, r => spec = definition.LoadSpec(r)) && spec is not null, TaskStream);
        Require(ctx.TryLoadBinaryStream(ModelStreams.ConfigStream, r => config = ModelStreams.LoadConfig(r)) && config is not null,
            ModelStreams.ConfigStream);
        Require(ctx.TryLoadBinaryStream(ModelStreams.TokenizerStream, r => tokenizer = TextTokenizer.Load(r)) && tokenizer is not null,
            ModelStreams.TokenizerStream);

        var precision = InferencePrecision.Float32;
        ctx.TryLoadBinaryStream(InferenceStream, r => precision = (InferencePrecision)r.ReadInt32());
        if (!Enum.IsDefined(precision))
            throw new InvalidDataException($"The saved model names an unknown inference precision ({(int)precision}) in {InferenceStream}.");

        long networkBytes = -1;
        Require(ctx.TryLoadBinaryStream(ModelStreams.NetworkStream, r => networkBytes = r.BaseStream.Length), ModelStreams.NetworkStream);
        ModelStreams.CheckConfigFitsWeights(config!, networkBytes);

        // As Microsoft.ML.TorchSharp's transformers: a loaded model runs on the GPU only when MLContext.GpuDeviceId asks for one.
        var device = (env as IHostEnvironmentInternal)?.GpuDeviceId is null ? TorchSharp.torch.CPU
            : DeviceSelection.Resolve(TransformerDevice.Automatic, env, message =>
            {
                using var channel = env.Start(nameof(TransformerTextTransformer));
                channel.Warning(message);
            });
        var model = spec!.CreateModel(config!, tokenizer!, device);
        try
        {
            Require(ctx.TryLoadBinaryStream(ModelStreams.NetworkStream,
                r => ModelStreams.LoadNetwork(model.Network, r, ModelStreams.NetworkStream)), ModelStreams.NetworkStream);
            model.Network.to(device);
            model.Network.eval();
            // The engine is not saved: TorchSharp, the reference, except for int8, which only ONNX Runtime runs.
            var engine = precision == InferencePrecision.Int8 ? InferenceEngine.OnnxRuntime : InferenceEngine.TorchSharp;
            return new TransformerTextTransformer(env, model, batchSize,
                new InferenceSettings(precision, EngineSelection.Resolve(engine, precision, task, nameof(TransformerTextTransformer)), 0));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void Require(bool found, string stream)
    {
        if (!found)
            throw new InvalidDataException($"The saved model has no valid {stream} stream.");
    }

    private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema) =>
        Create(env, ctx).MakeRowMapper(inputSchema);
}
