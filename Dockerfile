FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY semap ./semap
COPY geodata ./geodata
RUN pip install --no-cache-dir .
ENV SEMAP_DATA_DIR=/data SEMAP_HOST=0.0.0.0 SEMAP_PORT=8000
EXPOSE 8000
# Build (fetch + verify sources, load the store), then serve.
CMD ["sh", "-c", "semap build && semap serve"]
